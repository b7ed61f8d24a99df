"""The commission page: members, conflicts, the assignment matrix, auto-fill, publication, progress."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext, pgettext
from django.views.decorators.http import require_POST

from novator.contests.models import Application, ContestKind, ContestState
from novator.contests.stages import ExpertiseProgress, contest_guide
from novator.core.idempotency import once_per_token
from novator.core.names import gender_of
from novator.documents.models import OrderPurpose
from novator.documents.selectors import registered_order

from .. import selectors, services
from ..forms import (
    AnnouncementOrderForm,
    AssignmentForm,
    CommissionForm,
    CommissionRulesForm,
    ConflictForm,
    DeadlinesForm,
    MaxLoadForm,
    MemberForm,
)
from ..models import Assignment, CommissionMember, Expert
from ._common import error_messages, form_errors, get_contest

PAGE = "expertise:commission"


@login_required
def commission(request: HttpRequest, pk: int) -> HttpResponse:
    contest = get_contest(request, pk, "expertise.view_commission")
    user = request.user
    overview = selectors.commission_overview(contest)
    can_manage = user.has_perm("expertise.manage_commission", contest)
    can_assign = user.has_perm("expertise.manage_assignments", contest)
    editable = contest.state in (ContestState.DRAFT, ContestState.ANNOUNCED, ContestState.EXPERTISE)
    assigning = contest.state in (ContestState.ANNOUNCED, ContestState.EXPERTISE)
    commission = overview.commission
    context = {
        "contest": contest,
        "overview": overview,
        "can_manage": can_manage and editable,
        "can_assign": can_assign and assigning and commission is not None,
        "can_publish": can_assign
        and contest.state == ContestState.EXPERTISE
        and commission is not None
        and commission.assignments_published_at is None,
        "chart": overview.chart(),
        "announcement": registered_order(contest, OrderPurpose.ANNOUNCEMENT),
        "announcement_form": AnnouncementOrderForm()
        if user.has_perm("contests.manage_contest", contest)
        else None,
        "is_chair": user.has_perm("contests.chair_contest", contest) and commission is not None,
        "invitations": selectors.pending_invitations(commission),
        "guide": contest_guide(contest, user=user, progress=_progress(overview)),
    }
    loads = selectors.expert_loads([m.expert_id for m in overview.members], contest.academic_year)
    for p in overview.progress:
        p.year_load = loads.get(p.member.expert_id, selectors.NO_LOAD)
    if commission is not None:
        context["rules_form"] = CommissionRulesForm(
            initial={
                "exclude_own_municipality": commission.exclude_own_municipality,
                "require_other_municipality": commission.require_other_municipality,
            }
        )
    if commission is not None:
        can_set_period = can_assign and editable
        if can_set_period:
            context["deadlines_form"] = DeadlinesForm(
                initial={
                    "review_starts_on": commission.review_starts_on,
                    "review_due_on": commission.review_due_on,
                    "reminder_days": commission.reminder_days,
                }
            )
        if contest.state == ContestState.EXPERTISE:
            context["late"] = selectors.late_experts(contest)
            context["can_reassign"] = can_assign and contest.kind != ContestKind.PROFESSIONAL
            context["undiscussed"] = services.spread_undiscussed(contest)
    if can_manage and editable:
        context["commission_form"] = CommissionForm(
            contest=contest,
            initial={
                "chair": commission.chair_id if commission else None,
                "secretary": commission.secretary_id if commission else None,
            },
        )
        if commission is not None:
            context["member_form"] = MemberForm(
                exclude=Expert.objects.filter(memberships__commission=commission)
            )
            context["conflict_form"] = ConflictForm(
                applications=[r.application for r in overview.rows],
                experts=[m.expert for m in overview.members],
            )
    return render(request, "expertise/commission.html", context)


@login_required
@require_POST
def commission_setup(request: HttpRequest, pk: int) -> HttpResponse:
    contest = get_contest(request, pk, "expertise.manage_commission")
    form = CommissionForm(request.POST, contest=contest)
    if not form.is_valid():
        form_errors(request, form)
        return redirect(PAGE, pk=contest.pk)
    try:
        services.commission_setup(
            actor=request.user,
            contest=contest,
            chair=form.cleaned_data["chair"],
            secretary=form.cleaned_data["secretary"],
        )
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("The commission is saved."))
    return redirect(PAGE, pk=contest.pk)


def _commission_or_404(contest: object) -> object:
    commission = selectors.commission_for(contest)  # type: ignore[arg-type]
    if commission is None:
        raise Http404(_("The contest has no expert commission yet."))
    return commission


@login_required
@require_POST
@once_per_token
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    contest = get_contest(request, pk, "expertise.manage_commission")
    commission = _commission_or_404(contest)
    form = MemberForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect(PAGE, pk=contest.pk)
    try:
        services.commission_member_add(
            actor=request.user,
            commission=commission,  # type: ignore[arg-type]
            expert=form.cleaned_data["expert"],
            max_load=form.cleaned_data["max_load"],
        )
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(
            request,
            _said_of(form.cleaned_data["expert"], gettext_noop("%(expert)s joined the commission."))
            % {"expert": form.cleaned_data["expert"]},
        )
    return redirect(PAGE, pk=contest.pk)


def _progress(overview: selectors.CommissionOverview) -> ExpertiseProgress:
    """The scoring's progress for the stage guide, from what the commission page has read already."""
    commission = overview.commission
    if commission is None:
        return ExpertiseProgress()
    assigned, submitted = overview.totals
    return ExpertiseProgress(
        assigned=assigned,
        submitted=submitted,
        published=commission.assignments_published_at is not None,
        chair_user_id=commission.chair.user_id if commission.chair else None,
        secretary_user_id=commission.secretary_id,
    )


def _said_of(expert: Expert, message: str) -> str:
    """`message` about the expert in their grammatical gender when their name tells it (the patronymic or
    the first name; translation contexts «he» and «she»), else the neutral «(а)» form."""
    user = expert.user
    if not user.first_name:
        return _(message)
    return pgettext("she" if gender_of(user.display_name) == "f" else "he", message)


def _member(contest: object, member_pk: int) -> CommissionMember:
    return get_object_or_404(
        CommissionMember.objects.select_related("expert__user", "commission__contest"),
        pk=member_pk,
        commission__contest=contest,
    )


@login_required
@require_POST
def member_update(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    contest = get_contest(request, pk, "expertise.manage_commission")
    member = _member(contest, member_pk)
    form = MaxLoadForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect(PAGE, pk=contest.pk)
    try:
        services.commission_member_update(
            actor=request.user, member=member, max_load=form.cleaned_data["max_load"]
        )
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("The maximum load of %(expert)s is saved.") % {"expert": member.expert})
    return redirect(PAGE, pk=contest.pk)


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    contest = get_contest(request, pk, "expertise.manage_commission")
    member = _member(contest, member_pk)
    try:
        services.commission_member_remove(actor=request.user, member=member)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(
            request,
            _said_of(member.expert, gettext_noop("%(expert)s left the commission."))
            % {"expert": member.expert},
        )
    return redirect(PAGE, pk=contest.pk)


@login_required
@require_POST
@once_per_token
def conflict_add(request: HttpRequest, pk: int) -> HttpResponse:
    """The organiser records a conflict of interest an expert reported."""
    contest = get_contest(request, pk, "expertise.manage_commission")
    overview = selectors.commission_overview(contest)
    form = ConflictForm(
        request.POST,
        applications=[r.application for r in overview.rows],
        experts=[m.expert for m in overview.members],
    )
    if not form.is_valid():
        form_errors(request, form)
        return redirect(PAGE, pk=contest.pk)
    application = get_object_or_404(
        Application.objects.select_related("contest", "organization"),
        pk=form.cleaned_data["application"],
        contest=contest,
    )
    expert = get_object_or_404(Expert.objects.select_related("user"), pk=form.cleaned_data["expert"])
    try:
        services.conflict_declare(
            actor=request.user, application=application, expert=expert, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("The conflict of interest is recorded."))
    return redirect(PAGE, pk=contest.pk)


@login_required
@require_POST
@once_per_token
def assignment_add(request: HttpRequest, pk: int) -> HttpResponse:
    contest = get_contest(request, pk, "expertise.manage_assignments")
    form = AssignmentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an application and an expert."))
        return redirect(PAGE, pk=contest.pk)
    application = get_object_or_404(
        Application.objects.select_related("contest", "organization__municipality"),
        pk=form.cleaned_data["application"],
        contest=contest,
    )
    expert = get_object_or_404(
        Expert.objects.select_related("user", "organization"), pk=form.cleaned_data["expert"]
    )
    try:
        services.assignment_add(actor=request.user, application=application, expert=expert)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(
            request,
            _said_of(expert, gettext_noop("%(expert)s is assigned to %(app)s."))
            % {"expert": expert, "app": application},
        )
    return redirect(PAGE, pk=contest.pk)


@login_required
@require_POST
def assignment_remove(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    contest = get_contest(request, pk, "expertise.manage_assignments")
    assignment = get_object_or_404(
        Assignment.objects.select_related("application__contest", "expert__user"),
        pk=assignment_pk,
        application__contest=contest,
    )
    try:
        services.assignment_remove(actor=request.user, assignment=assignment)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("The assignment is removed."))
    return redirect(PAGE, pk=contest.pk)


@login_required
@require_POST
def assignments_auto(request: HttpRequest, pk: int) -> HttpResponse:
    """Fill the gaps at once with the optimal assignment (small contests; large ones use a proposal)."""
    contest = get_contest(request, pk, "expertise.manage_assignments")
    partial = request.POST.get("partial") == "1"
    try:
        outcome = services.assignments_auto(actor=request.user, contest=contest, allow_partial=partial)
    except ValidationError as exc:
        error_messages(request, exc)
        if any(getattr(e, "code", None) == "infeasible" for e in getattr(exc, "error_list", [])):
            messages.info(
                request,
                _(
                    "Nothing was assigned. Add members, raise their maximum loads, or fill what is possible "
                    "and assign the rest by hand."
                ),
            )
        return redirect(PAGE, pk=contest.pk)
    count = len(outcome.added)
    messages.success(
        request,
        ngettext("%(count)d assignment added.", "%(count)d assignments added.", count) % {"count": count},
    )
    for reason in outcome.reasons:
        messages.warning(request, reason)
    return redirect(PAGE, pk=contest.pk)


@login_required
@require_POST
def assignments_publish(request: HttpRequest, pk: int) -> HttpResponse:
    contest = get_contest(request, pk, "expertise.manage_assignments")
    try:
        services.assignments_publish(actor=request.user, contest=contest)
    except ValidationError as exc:
        error_messages(request, exc)
    except PermissionDenied:
        raise
    else:
        messages.success(request, _("The assignments are published; the experts have been notified."))
    return redirect(PAGE, pk=contest.pk)


@login_required
@require_POST
def commission_rules(request: HttpRequest, pk: int) -> HttpResponse:
    """The own-municipality rules of the expertise (hard constraints of the assignment)."""
    contest = get_contest(request, pk, "expertise.manage_commission")
    commission = _commission_or_404(contest)
    form = CommissionRulesForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect(PAGE, pk=contest.pk)
    try:
        services.commission_rules_update(
            actor=request.user,
            commission=commission,  # type: ignore[arg-type]
            exclude_own_municipality=form.cleaned_data["exclude_own_municipality"],
            require_other_municipality=form.cleaned_data["require_other_municipality"],
        )
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("The own-municipality rules are saved."))
    return redirect(PAGE, pk=contest.pk)
