"""Deadlines and deliberation: the expertise period, replacing a late expert, the discussion of an
application with the chair's consolidated conclusion."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from novator.contests.models import Application, ContestKind, ContestState
from novator.core.forms import apply_validation_error

from .. import selectors, services
from ..forms import CommentForm, ConclusionForm, DeadlinesForm, NoDiscussionForm
from ..models import Expert, ScoreSheet
from ._common import error_messages, form_errors, get_contest

PAGE = "expertise:commission"


@login_required
@require_POST
def deadlines_update(request: HttpRequest, pk: int) -> HttpResponse:
    contest = get_contest(request, pk, "expertise.manage_assignments")
    form = DeadlinesForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect(PAGE, pk=contest.pk)
    try:
        changes = services.commission_deadlines_update(
            actor=request.user, contest=contest, data=form.cleaned_data
        )
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("The expertise period is saved.") if changes else _("Nothing changed."))
    return redirect(PAGE, pk=contest.pk)


@login_required
@require_POST
def late_reassign(request: HttpRequest, pk: int, expert_pk: int) -> HttpResponse:
    contest = get_contest(request, pk, "expertise.manage_assignments")
    expert = get_object_or_404(Expert.objects.select_related("user"), pk=expert_pk)
    try:
        result = services.late_expert_reassign(actor=request.user, contest=contest, expert=expert)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        count = len(result.added)
        messages.success(
            request,
            ngettext(
                "%(expert)s's overdue applications are taken away; %(count)d new assignment made.",
                "%(expert)s's overdue applications are taken away; %(count)d new assignments made.",
                count,
            )
            % {"expert": expert, "count": count},
        )
    return redirect(PAGE, pk=contest.pk)


def _application(request: HttpRequest, pk: int) -> Application:
    application = (
        Application.objects.select_related("contest__commission__chair__user", "organization", "category")
        .filter(pk=pk)
        .first()
    )
    if application is None:
        raise Http404(_("No such application."))
    if not request.user.has_perm("expertise.discuss", application):
        raise PermissionDenied
    return application


@login_required
def discussion(request: HttpRequest, pk: int) -> HttpResponse:
    """The commission's discussion of one application (its assigned experts once their sheet is
    submitted, and the chair); the chair also writes the consolidated conclusion here."""
    application = _application(request, pk)
    contest = application.contest
    user = request.user
    can_conclude = user.has_perm("expertise.conclude", application)
    open_ = contest.state == ContestState.EXPERTISE
    comment_form = CommentForm()
    deliberation = selectors.deliberation_for(application)
    conclusion_form = ConclusionForm(initial={"conclusion": deliberation.conclusion if deliberation else ""})
    reason_form = NoDiscussionForm(
        initial={"reason": deliberation.no_discussion_reason if deliberation else ""}
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "conclusion":
                conclusion_form = ConclusionForm(request.POST)
                conclusion_form.is_valid()
                services.conclusion_save(
                    actor=user,
                    application=application,
                    text=conclusion_form.cleaned_data.get("conclusion", ""),
                )
                messages.success(request, _("The consolidated conclusion is saved."))
            elif action == "no_discussion":
                reason_form = NoDiscussionForm(request.POST)
                reason_form.is_valid()
                services.no_discussion_record(
                    actor=user, application=application, reason=reason_form.cleaned_data.get("reason", "")
                )
                messages.success(request, _("Recorded."))
            else:
                comment_form = CommentForm(request.POST)
                comment_form.is_valid()
                services.discussion_comment_add(
                    actor=user, application=application, text=comment_form.cleaned_data.get("text", "")
                )
                messages.success(request, _("The comment is added; the other participants are notified."))
        except ValidationError as exc:
            target = {"conclusion": conclusion_form, "no_discussion": reason_form}.get(
                action or "", comment_form
            )
            apply_validation_error(target, exc)
        else:
            return redirect("expertise:discussion", pk=application.pk)
    spread = (
        selectors.application_spread(contest, application)
        if contest.kind != ContestKind.PROFESSIONAL
        else None
    )
    own_sheet = (
        ScoreSheet.objects.filter(
            assignment__application=application, assignment__expert__user_id=getattr(user, "pk", 0)
        )
        .only("pk")
        .first()
    )
    return render(
        request,
        "expertise/discussion.html",
        {
            "application": application,
            "contest": contest,
            "comments": list(selectors.discussion_comments(application)),
            "comment_form": comment_form if open_ else None,
            "can_conclude": can_conclude,
            "conclusion_form": conclusion_form
            if can_conclude and contest.state in (ContestState.EXPERTISE, ContestState.DECIDED)
            else None,
            "reason_form": reason_form if can_conclude and open_ else None,
            "deliberation": deliberation,
            "spread": spread,
            "own_sheet": own_sheet,
        },
    )
