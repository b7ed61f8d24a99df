"""The expert's pages: my assignments, the scoring sheet, declaring a conflict; the chair reopens a sheet."""

from __future__ import annotations

from collections import OrderedDict
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from novator.contests.models import ContestState
from novator.core.flash import flash_errors
from novator.core.forms import apply_validation_error
from novator.core.idempotency import once_per_token
from novator.core.workflow import allowed

from .. import documents, selectors, services
from ..forms import ReasonForm, ScoreSheetForm
from ..models import ScoreSheet
from ..rules import expert_profile
from ..workflow import SHEET_TRANSITIONS, not_locked


@login_required
def my_assignments(request: HttpRequest) -> HttpResponse:
    """The expert's home: published assignments by contest, with progress and the deadline if any."""
    groups: OrderedDict[int, dict[str, Any]] = OrderedDict()
    today = timezone.localdate()
    for assignment in selectors.expert_assignments(request.user):
        contest = assignment.application.contest
        group = groups.setdefault(
            contest.pk,
            {
                "contest": contest,
                "assignments": [],
                "submitted": 0,
                # the earliest due date of the sheets still to submit (the commission's or a round's)
                "deadline": None,
                "overdue": False,
            },
        )
        group["assignments"].append(assignment)
        sheet = getattr(assignment, "sheet", None)
        if sheet is not None and sheet.state == ScoreSheet.State.SUBMITTED:
            group["submitted"] += 1
        elif assignment.due is not None:  # type: ignore[attr-defined]
            due = assignment.due  # type: ignore[attr-defined]
            if group["deadline"] is None or due < group["deadline"]:
                group["deadline"] = due
                group["overdue"] = due < today
    for group in groups.values():
        total = len(group["assignments"])
        group["percent"] = round(100 * group["submitted"] / total) if total else 0
    return render(
        request,
        "expertise/my_assignments.html",
        {
            "groups": list(groups.values()),
            "is_expert": expert_profile(request.user) is not None,
            "today": today,
        },
    )


def _refusal(sheet: ScoreSheet, guard: Any) -> ValidationError:
    """What the workflow's `guard` says to refuse the sheet (the service's words, not a copy of them)."""
    try:
        guard(sheet)
    except ValidationError as exc:
        return exc
    raise AssertionError("the guard lets it pass")


def _sheet(request: HttpRequest, pk: int) -> ScoreSheet:
    """The sheet if the user may see it: its expert, the organiser, the chair without a conflict."""
    try:
        return selectors.sheet_detail(request.user, pk)
    except ScoreSheet.DoesNotExist as exc:
        raise Http404(_("No such scoring sheet.")) from exc


@login_required
@once_per_token
def sheet(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = _sheet(request, pk)
    user = request.user
    assignment = sheet.assignment
    if assignment.round_id is not None and assignment.expert.user_id == user.pk:
        # a sheet of a round of a professional contest: the jury's phone page scores the round's criteria
        return redirect("expertise:jury_sheet", pk=sheet.pk)
    application = assignment.application
    contest = application.contest
    own = assignment.expert.user_id == user.pk
    # the buttons: the moves of the sheet's workflow this user may make now
    moves = {t.name for t in allowed(user, sheet, SHEET_TRANSITIONS)}
    editable = own and "submit" in moves
    criteria = selectors.contest_criteria(contest)
    scores = selectors.sheet_scores(sheet)
    form = ScoreSheetForm(
        request.POST if request.method == "POST" and editable else None,
        sheet=sheet,
        criteria=criteria,
        scores=scores,
        disabled=not editable,
    )
    if request.method == "POST":
        if not editable:
            if sheet.state == ScoreSheet.State.SUBMITTED:
                flash_errors(request, _refusal(sheet, not_locked))
                return redirect("expertise:sheet", pk=sheet.pk)
            raise PermissionDenied
        if form.is_valid():
            data = form.service_data()
            submit = request.POST.get("action") == "submit"
            service = services.sheet_submit if submit else services.sheet_save_draft
            try:
                service(
                    actor=user,
                    sheet=sheet,
                    version=data["version"],
                    scores=data["scores"],
                    conclusion=data["conclusion"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                if submit:
                    messages.success(request, _("The sheet is submitted. Thank you!"))
                    return redirect("expertise:my_assignments")
                messages.success(request, _("The draft is saved."))
                return redirect("expertise:sheet", pk=sheet.pk)
    can_reopen = "reopen" in moves
    can_view_application = user.has_perm("expertise.review_application", application) or user.has_perm(
        "contests.manage_contest", contest
    )
    return render(
        request,
        "expertise/sheet.html",
        {
            "sheet": sheet,
            "assignment": assignment,
            "application": application,
            "contest": contest,
            "form": form,
            "rows": form.rows(),
            "editable": editable,
            "own": own,
            "max_total": sum((c.max_points * c.weight for c in criteria), Decimal(0)),
            "can_reopen": can_reopen,
            "reopen_form": ReasonForm() if can_reopen else None,
            "can_declare": own
            and sheet.state == ScoreSheet.State.DRAFT
            and contest.state == ContestState.EXPERTISE,
            "can_view_application": can_view_application,
            "can_view_commission": user.has_perm("expertise.view_commission", contest),
            "can_discuss": user.has_perm("expertise.discuss", application),
        },
    )


@login_required
@require_POST
def sheet_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = _sheet(request, pk)
    if not request.user.has_perm(SHEET_TRANSITIONS["reopen"].permission, sheet):
        raise PermissionDenied
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason."))
        return redirect("expertise:sheet", pk=sheet.pk)
    try:
        services.sheet_reopen(actor=request.user, sheet=sheet, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("The sheet is reopened; the expert has been notified."))
    return redirect("expertise:sheet", pk=sheet.pk)


@login_required
def conflict_declare(request: HttpRequest, pk: int) -> HttpResponse:
    """The expert declares a conflict of interest with the application of their sheet."""
    sheet = _sheet(request, pk)
    assignment = sheet.assignment
    if assignment.expert.user_id != request.user.pk:
        raise PermissionDenied
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.conflict_declare(
                actor=request.user,
                application=assignment.application,
                expert=assignment.expert,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("The conflict of interest is recorded; the application is no longer assigned to you."),
            )
            return redirect("expertise:my_assignments")
    return render(
        request,
        "expertise/conflict_form.html",
        {
            "sheet": sheet,
            "application": assignment.application,
            "contest": assignment.application.contest,
            "form": form,
        },
    )


@login_required
def sheet_print(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The sheet to print and sign: a draft is the expert sheet (the criteria with their levels), a
    submitted one the expert conclusion (points, comments, conclusion); `?format=pdf` for the PDF twin."""
    sheet = _sheet(request, pk)
    contest = sheet.assignment.application.contest
    return documents.conclusions_response(
        contest, [sheet], f"expert-sheet-{sheet.pk}.docx", pdf=request.GET.get("format") == "pdf"
    )
