"""The region's shared pool of experts (search, load across the year's contests, invitation to a
commission) and the expert's invitations (accept or decline)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from novator.accounts.scope import get_scope
from novator.contests.models import Contest
from novator.core.academic_year import AcademicYear
from novator.core.paging import paginate
from novator.core.workflow import allowed
from novator.organizations.models import Municipality

from .. import selectors, services
from ..forms import InviteForm, PoolSearchForm
from ..invitations import INVITATION_TRANSITIONS
from ..models import CommissionInvitation, Expert, InvitationState
from ..services._common import SETUP_STATES
from ._common import error_messages, form_errors, get_contest


def organised_contests(user: Any) -> QuerySet[Contest]:
    """The contests whose commission the user may still change (organiser or administrator)."""
    scope = get_scope(user)
    qs = Contest.objects.filter(state__in=SETUP_STATES, commission__isnull=False)
    if not scope.is_admin:
        qs = qs.filter(organiser_municipality__in=scope.methodologist_municipalities)
    return qs.order_by("-academic_year", "title", "pk")


@login_required
def pool(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("expertise.browse_pool"):
        raise PermissionDenied
    regions = selectors.pool_regions(request.user)
    municipalities = Municipality.objects.order_by("name")
    if regions is not None:
        municipalities = municipalities.filter(region__in=regions)
    form = PoolSearchForm(
        request.GET or None, municipalities=municipalities, contests=organised_contests(request.user)
    )
    query, municipality, contest = "", None, None
    if form.is_valid():
        query = form.cleaned_data["q"] or ""
        municipality = form.cleaned_data["municipality"]
        contest = form.cleaned_data["contest"]
    page = paginate(
        request,
        selectors.expert_pool(
            request.user, query=query, municipality=municipality.pk if municipality else None
        ),
        per_page=50,
    )
    year = contest.academic_year if contest else str(AcademicYear.of(timezone.localdate()))
    loads = selectors.expert_loads([e.pk for e in page], year)
    taken: set[int] = set()
    if contest is not None:
        commission = contest.commission
        taken = set(commission.members.values_list("expert_id", flat=True)) | set(
            commission.invitations.filter(state=InvitationState.PENDING).values_list("expert_id", flat=True)
        )
    rows = [(e, loads.get(e.pk, selectors.NO_LOAD)) for e in page]
    return render(
        request,
        "expertise/pool.html",
        {
            "page": page,
            "rows": rows,
            "form": form,
            "year": year,
            "contest": contest,
            "taken": taken,
            "invite_form": InviteForm(),
        },
    )


def _back(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


@login_required
@require_POST
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    contest = get_contest(request, pk, "expertise.manage_commission")
    commission = selectors.commission_for(contest)
    if commission is None:
        raise Http404(_("The contest has no expert commission yet."))
    back = _back(request, f"{_pool_url()}?contest={contest.pk}")
    form = InviteForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect(back)
    expert = Expert.objects.select_related("user").filter(pk=form.cleaned_data["expert"]).first()
    if expert is None or not selectors.expert_pool(request.user).filter(pk=expert.pk).exists():
        messages.error(request, _("Choose an expert of your region's pool."))
        return redirect(back)
    try:
        services.commission_invite(
            actor=request.user, commission=commission, expert=expert, max_load=form.cleaned_data["max_load"]
        )
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(
            request,
            _("%(expert)s is invited to the commission; they will accept or decline.") % {"expert": expert},
        )
    return redirect(back)


def _pool_url() -> str:
    from django.urls import reverse

    return reverse("expertise:pool")


@login_required
def my_invitations(request: HttpRequest) -> HttpResponse:
    invitations = list(selectors.expert_invitations(request.user)[:100])
    rows = [(i, allowed(request.user, i, INVITATION_TRANSITIONS)) for i in invitations]
    return render(request, "expertise/my_invitations.html", {"rows": rows})


@login_required
@require_POST
def invitation_answer(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(
        CommissionInvitation.objects.select_related("commission__contest", "expert__user").filter(
            Q(expert__user=request.user) | Q(commission__contest__in=Contest.objects.visible_to(request.user))
        ),
        pk=pk,
    )
    action = request.POST.get("action", "")
    fallback = (
        _my_invitations_url()
        if invitation.expert.user_id == request.user.pk
        else _commission_url(invitation.commission.contest_id)
    )
    try:
        services.invitation_answer(actor=request.user, invitation=invitation, action=action)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        done = {
            "accept": _("You joined the commission of «%(contest)s»."),
            "decline": _("You declined the invitation to the commission of «%(contest)s»."),
            "withdraw": _("The invitation is withdrawn."),
        }[action]
        messages.success(request, done % {"contest": invitation.commission.contest.title})
    return redirect(_back(request, fallback))


def _my_invitations_url() -> str:
    from django.urls import reverse

    return reverse("expertise:my_invitations")


def _commission_url(contest_id: int) -> str:
    from django.urls import reverse

    return reverse("expertise:commission", args=[contest_id])
