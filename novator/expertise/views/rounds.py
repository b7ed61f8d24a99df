"""The operator's rounds page of a professional contest: the jury of each round, opening a round,
the standings and the explicit advancement, the final confirmation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from novator.contests.models import (
    Application,
    Category,
    ContestKind,
    ContestState,
    Round,
    RoundEntry,
    RoundState,
)
from novator.core.idempotency import once_per_token

from .. import services
from ..forms import JurorForm
from ..models import RoundJuror, ScoreSheet
from ._common import error_messages, form_errors, get_contest

PAGE = "expertise:rounds"


def _contest(request: HttpRequest, pk: int, perm: str) -> Any:
    contest = get_contest(request, pk, perm)
    if contest.kind != ContestKind.PROFESSIONAL:
        raise Http404(_("Only professional contests have rounds."))
    return contest


def _round(contest: Any, round_pk: int) -> Round:
    round = Round.objects.filter(contest=contest, pk=round_pk).first()
    if round is None:
        raise Http404(_("No such round."))
    return round


def rounds_overview(contest: Any) -> list[Round]:
    """The rounds with their jurors and counts of participants and sheets (a fixed number of queries)."""
    return list(
        Round.objects.filter(contest=contest)
        .annotate(
            participants=Count("entries", distinct=True),
            sheets_total=Count("assignments__sheet", distinct=True),
            sheets_submitted=Count(
                "assignments__sheet",
                filter=Q(assignments__sheet__state=ScoreSheet.State.SUBMITTED),
                distinct=True,
            ),
        )
        .prefetch_related("jurors__expert__user")
        .order_by("position", "pk")
    )


@login_required
def rounds(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _contest(request, pk, "expertise.view_commission")
    user = request.user
    items = rounds_overview(contest)
    can_manage = user.has_perm("contests.manage_contest", contest)
    previous_closed = True
    for item in items:
        item.can_open = (  # type: ignore[attr-defined]
            can_manage
            and contest.state == ContestState.EXPERTISE
            and item.state == RoundState.PLANNED
            and previous_closed
        )
        item.juror_form = (  # type: ignore[attr-defined]
            JurorForm(exclude=[j.expert_id for j in item.jurors.all()], prefix=f"r{item.pk}")
            if user.has_perm("expertise.manage_commission", contest) and item.state != RoundState.CLOSED
            else None
        )
        previous_closed = item.state == RoundState.CLOSED
    context = {
        "contest": contest,
        "rounds": items,
        "can_manage": can_manage,
        "can_confirm": contest.state == ContestState.EXPERTISE
        and bool(items)
        and all(r.state == RoundState.CLOSED for r in items)
        and user.has_perm("contests.chair_contest", contest),
        "winners": list(
            Application.objects.filter(contest=contest, distinction="winner")
            .select_related("applicant", "organization", "category")
            .order_by("category__position", "pk")
        ),
        "can_nominate": can_manage and contest.state in (ContestState.DECIDED, ContestState.PUBLISHED),
    }
    return render(request, "expertise/rounds.html", context)


def standings_rows(round: Round, preview: bool) -> list[dict[str, Any]]:
    """Rows per nomination: recorded entries of a closed round, or the preview of the advancement."""
    categories = {c.pk: c for c in Category.objects.filter(contest_id=round.contest_id)}
    entries = {
        e.application_id: e
        for e in RoundEntry.objects.filter(round=round).select_related(
            "application__applicant", "application__organization"
        )
    }
    groups: list[dict[str, Any]] = []
    if preview:
        table = services.round_standings(round)
        for nomination_id, rows in table.items():
            groups.append(
                {
                    "nomination": categories.get(nomination_id) if nomination_id else None,
                    "rows": [
                        {
                            "application": entries[r.application_id].application,
                            "total": r.round_total,
                            "cumulative": r.cumulative,
                            "rank": r.rank,
                            "advanced": r.advanced,
                        }
                        for r in rows
                    ],
                }
            )
    else:
        by_nomination: dict[int | None, list[dict[str, Any]]] = {}
        for e in sorted(entries.values(), key=lambda e: (e.rank is None, e.rank or 0, e.pk)):
            by_nomination.setdefault(e.application.category_id, []).append(
                {
                    "application": e.application,
                    "total": e.total,
                    "cumulative": e.cumulative,
                    "rank": e.rank,
                    "advanced": e.advanced,
                }
            )
        groups = [
            {"nomination": categories.get(k) if k else None, "rows": v} for k, v in by_nomination.items()
        ]
    groups.sort(key=lambda g: (g["nomination"].position, g["nomination"].pk) if g["nomination"] else (-1, 0))
    return groups


@login_required
def round_detail(request: HttpRequest, pk: int, round_pk: int) -> HttpResponse:
    contest = _contest(request, pk, "expertise.view_commission")
    round = _round(contest, round_pk)
    preview = round.state == RoundState.SCORING
    context = {
        "contest": contest,
        "round": round,
        "groups": standings_rows(round, preview) if round.state != RoundState.PLANNED else [],
        "preview": preview,
        "last": services.is_last(round),
        "pending": ScoreSheet.objects.filter(assignment__round=round, state=ScoreSheet.State.DRAFT).count(),
        "can_advance": preview
        and contest.state == ContestState.EXPERTISE
        and request.user.has_perm("contests.manage_contest", contest),
    }
    return render(request, "expertise/round_detail.html", context)


@login_required
@require_POST
@once_per_token
def round_juror_add(request: HttpRequest, pk: int, round_pk: int) -> HttpResponse:
    contest = _contest(request, pk, "expertise.manage_commission")
    round = _round(contest, round_pk)
    form = JurorForm(request.POST, prefix=f"r{round.pk}")
    if not form.is_valid():
        form_errors(request, form)
        return redirect(PAGE, pk=contest.pk)
    try:
        services.round_juror_add(actor=request.user, round=round, expert=form.cleaned_data["expert"])
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("The juror is added."))
    return redirect(PAGE, pk=contest.pk)


@login_required
@require_POST
def round_juror_remove(request: HttpRequest, pk: int, round_pk: int, juror_pk: int) -> HttpResponse:
    contest = _contest(request, pk, "expertise.manage_commission")
    round = _round(contest, round_pk)
    juror = (
        RoundJuror.objects.filter(round=round, pk=juror_pk).select_related("round", "expert__user").first()
    )
    if juror is None:
        raise Http404(_("No such juror."))
    try:
        services.round_juror_remove(actor=request.user, juror=juror)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("The juror is removed."))
    return redirect(PAGE, pk=contest.pk)


@login_required
@require_POST
def round_open(request: HttpRequest, pk: int, round_pk: int) -> HttpResponse:
    contest = _contest(request, pk, "contests.manage_contest")
    round = _round(contest, round_pk)
    try:
        services.round_open(actor=request.user, round=round)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("The round is open: the jury can score."))
    return redirect(PAGE, pk=contest.pk)


@login_required
@require_POST
def round_advance(request: HttpRequest, pk: int, round_pk: int) -> HttpResponse:
    contest = _contest(request, pk, "contests.manage_contest")
    round = _round(contest, round_pk)
    try:
        advanced = services.round_advance(actor=request.user, round=round)
    except ValidationError as exc:
        error_messages(request, exc)
        return redirect("expertise:round_detail", pk=contest.pk, round_pk=round.pk)
    if services.is_last(round):
        messages.success(request, _("The final places are recorded; the chair confirms the results."))
    else:
        messages.success(
            request, _("The advancement is recorded; advanced: %(count)d.") % {"count": len(advanced)}
        )
    return redirect("expertise:round_detail", pk=contest.pk, round_pk=round.pk)


@login_required
@require_POST
def rounds_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _contest(request, pk, "contests.chair_contest")
    try:
        services.professional_results_confirm(actor=request.user, contest=contest)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("The results are confirmed."))
    return redirect(PAGE, pk=contest.pk)


@login_required
@require_POST
def next_stage(request: HttpRequest, pk: int, application_pk: int) -> HttpResponse:
    """Record the winner's nomination to the next stage (the service lives in contests)."""
    from novator.contests.services import application_nominate_next_stage

    contest = _contest(request, pk, "contests.manage_contest")
    application = Application.objects.filter(contest=contest, pk=application_pk).first()
    if application is None:
        raise Http404(_("No such application."))
    note = request.POST.get("note", "")
    try:
        application_nominate_next_stage(actor=request.user, application=application, note=note)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("The nomination to the next stage is recorded."))
    return redirect(PAGE, pk=contest.pk)
