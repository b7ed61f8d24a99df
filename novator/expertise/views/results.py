"""The ranking per category, the chair's confirmation and reopening, and the DOCX documents."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from novator.contests.models import ContestState
from novator.core.forms import apply_validation_error

from .. import documents, selectors, services
from ..forms import ConfirmForm, ReasonForm, ScoringSettingsForm
from ..models import Commission
from ..services.results import reason_field
from ..services.scoring import scoring_locked_reason
from ._common import error_messages, form_errors, get_contest

DECIDED_STATES = (ContestState.DECIDED, ContestState.PUBLISHED)


def _tables(ranking: selectors.Ranking, form: ConfirmForm | None) -> list[dict[str, Any]]:
    tables = []
    for category in ranking.categories:
        rows = []
        line = category.threshold_index
        for index, row in enumerate(category.rows):
            pk = row.application.pk
            rows.append(
                {
                    "row": row,
                    "threshold_before": index == line and index > 0,
                    "override": form[f"override_{pk}"] if form else None,
                    "reason": form[reason_field(pk)] if form else None,
                }
            )
        tables.append(
            {
                "category": category,
                "rows": rows,
                "all_below": line == 0 and bool(rows),
                "none_below": line == len(rows),
            }
        )
    return tables


def _commission(contest: Any) -> Commission | None:
    try:
        return contest.commission
    except Commission.DoesNotExist:
        return None


@login_required
def ranking(request: HttpRequest, pk: int) -> HttpResponse:
    contest = get_contest(request, pk, "expertise.view_commission")
    user = request.user
    ranking = selectors.contest_ranking(contest)
    can_confirm = contest.state == ContestState.EXPERTISE and user.has_perm("contests.chair_contest", contest)
    form = ConfirmForm(request.POST or None, ranking=ranking) if can_confirm else None
    if request.method == "POST":
        if form is None:
            messages.error(request, _("Only the chair confirms the results during the expertise."))
            return redirect("expertise:ranking", pk=contest.pk)
        if form.is_valid():
            try:
                services.results_confirm(
                    actor=user,
                    contest=contest,
                    overrides=form.overrides(),
                    minutes_number=form.cleaned_data["minutes_number"],
                    minutes_date=form.cleaned_data["minutes_date"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("The results are confirmed."))
                return redirect("expertise:ranking", pk=contest.pk)
    decided = contest.state in DECIDED_STATES
    can_reopen = contest.state == ContestState.DECIDED and user.has_perm("contests.chair_contest", contest)
    can_configure = user.has_perm("contests.manage_contest", contest) and not decided
    settings_locked = scoring_locked_reason(contest) if can_configure else None
    return render(
        request,
        "expertise/ranking.html",
        {
            "contest": contest,
            "ranking": ranking,
            "agreement": ranking.agreement,
            "leniency_chart": ranking.agreement.chart() if ranking.agreement else None,
            "tables": _tables(ranking, form),
            "form": form,
            "decided": decided,
            "can_reopen": can_reopen,
            "reopen_form": ReasonForm() if can_reopen else None,
            "commission": _commission(contest),
            "settings_locked": settings_locked,
            "settings_form": ScoringSettingsForm(contest=contest, locked=settings_locked is not None)
            if can_configure
            else None,
        },
    )


@login_required
@require_POST
def scoring_settings(request: HttpRequest, pk: int) -> HttpResponse:
    """The organiser chooses the official ranking and the agreement flag (before scoring starts)."""
    contest = get_contest(request, pk, "contests.manage_contest")
    form = ScoringSettingsForm(
        request.POST, contest=contest, locked=scoring_locked_reason(contest) is not None
    )
    if not form.is_valid():
        form_errors(request, form)
        return redirect("expertise:ranking", pk=contest.pk)
    try:
        changes = services.scoring_settings_update(
            actor=request.user, contest=contest, data=form.cleaned_data
        )
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        if changes:
            messages.success(request, _("The scoring settings are saved."))
    return redirect("expertise:ranking", pk=contest.pk)


@login_required
@require_POST
def results_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    contest = get_contest(request, pk, "contests.chair_contest")
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason."))
        return redirect("expertise:ranking", pk=contest.pk)
    try:
        services.results_reopen(actor=request.user, contest=contest, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("The expertise is reopened."))
    return redirect("expertise:ranking", pk=contest.pk)


def _document(request: HttpRequest, pk: int, kind: str) -> HttpResponseBase:
    contest = get_contest(request, pk, "expertise.view_commission")
    if contest.state not in DECIDED_STATES:
        messages.error(request, _("The documents are ready once the chair has confirmed the results."))
        return redirect("expertise:ranking", pk=contest.pk)
    if kind == "minutes":
        return documents.minutes_response(contest)
    return documents.order_response(contest)


@login_required
def minutes_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _document(request, pk, "minutes")


@login_required
def order_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _document(request, pk, "order")
