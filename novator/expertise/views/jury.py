"""The jury's phone pages for the rounds of professional contests.

The scoring page works on a 390 px screen and survives a lost connection (frontend/static/js/jury.js):
every change is kept in the browser's localStorage at once and sent to `jury_draft` (JSON) when online;
queued changes are resent when the connection returns; the final submit is an ordinary form POST, which
the page allows only when online. The services are the same as for any scoring sheet
(`sheet_save_draft`, `sheet_submit`, with the optimistic version lock).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from novator.contests.models import ContestState, Criterion, RoundState
from novator.core.parsers import loads_limited

from .. import services
from ..models import Assignment, Score, ScoreSheet
from ..services.sheets import comment_field, points_field

MAX_BODY = 64 * 1024


def jury_assignments(user: Any) -> Any:
    """The juror's sheets of rounds, open rounds first."""
    return (
        Assignment.objects.for_expert(user)
        .filter(round__isnull=False)
        .select_related(
            "round__contest",
            "application__organization",
            "application__applicant",
            "application__category",
            "sheet",
        )
        .order_by("round__state", "-round__contest__opens_at", "round__position", "application__number", "pk")
    )


def jury_sw(request: HttpRequest) -> HttpResponse:
    """The service worker that keeps the last copy of the jury's pages for an offline reload."""
    from django.conf import settings
    from django.template.loader import render_to_string
    from django.urls import reverse

    body = render_to_string(
        "expertise/jury_sw.js",
        {"static_prefix": settings.STATIC_URL, "scope": reverse("expertise:jury_list")},
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


@login_required
def jury_list(request: HttpRequest) -> HttpResponse:
    return render(request, "expertise/jury_list.html", {"assignments": list(jury_assignments(request.user))})


def _own_sheet(request: HttpRequest, pk: int) -> ScoreSheet:
    sheet = (
        ScoreSheet.objects.filter(
            pk=pk, assignment__round__isnull=False, assignment__in=Assignment.objects.for_expert(request.user)
        )
        .select_related(
            "assignment__round__contest",
            "assignment__application__organization",
            "assignment__application__applicant",
            "assignment__application__category",
            "assignment__expert__user",
        )
        .first()
    )
    if sheet is None:
        raise Http404(_("No such scoring sheet."))
    return sheet


def _editable(sheet: ScoreSheet) -> bool:
    round = sheet.assignment.round
    return (
        sheet.state == ScoreSheet.State.DRAFT
        and round is not None
        and round.state == RoundState.SCORING
        and round.contest.state == ContestState.EXPERTISE
    )


def _rows(sheet: ScoreSheet, data: Any = None) -> list[dict[str, Any]]:
    criteria = list(Criterion.objects.filter(round=sheet.assignment.round).order_by("position", "pk"))
    scores = {s.criterion_id: s for s in Score.objects.filter(sheet=sheet)}
    rows = []
    for criterion in criteria:
        score = scores.get(criterion.pk)
        points = "" if score is None or score.points is None else format(score.points.normalize(), "f")
        comment = score.comment if score else ""
        if data is not None:
            points = data.get(points_field(criterion.pk), points)
            comment = data.get(comment_field(criterion.pk), comment)
        rows.append(
            {
                "criterion": criterion,
                "points": points,
                "comment": comment,
                "points_name": points_field(criterion.pk),
                "comment_name": comment_field(criterion.pk),
            }
        )
    return rows


def _scores_from_post(sheet: ScoreSheet, data: Any) -> dict[int, dict[str, Any]]:
    criteria = Criterion.objects.filter(round=sheet.assignment.round).values_list("pk", flat=True)
    scores: dict[int, dict[str, Any]] = {}
    for pk in criteria:
        item: dict[str, Any] = {}
        if points_field(pk) in data:
            item["points"] = data.get(points_field(pk))
        if comment_field(pk) in data:
            item["comment"] = data.get(comment_field(pk))
        if item:
            scores[pk] = item
    return scores


def _version(raw: Any) -> int | None:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


@login_required
def jury_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = _own_sheet(request, pk)
    editable = _editable(sheet)
    errors: dict[str, list[str]] = {}
    data = None
    if request.method == "POST":
        if not editable:
            messages.error(request, _("The sheet can no longer be changed."))
            return redirect("expertise:jury_sheet", pk=sheet.pk)
        data = request.POST
        version = _version(data.get("version"))
        if version is None:
            errors["__all__"] = [_("The page is out of date; reload it.")]
        else:
            try:
                services.sheet_submit(
                    actor=request.user, sheet=sheet, version=version, scores=_scores_from_post(sheet, data)
                )
            except ValidationError as exc:
                errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            else:
                messages.success(request, _("The sheet is submitted. Thank you!"))
                return redirect("expertise:jury_list")
    rows = _rows(sheet, data)
    for row in rows:
        row["points_errors"] = errors.get(row["points_name"], [])
        row["comment_errors"] = errors.get(row["comment_name"], [])
    context = {
        "sheet": sheet,
        "assignment": sheet.assignment,
        "round": sheet.assignment.round,
        "application": sheet.assignment.application,
        "rows": rows,
        "editable": editable,
        "errors": errors.get("__all__", []),
        "has_errors": bool(errors),
    }
    return render(request, "expertise/jury_sheet.html", context, status=400 if errors else 200)


@login_required
@require_POST
def jury_draft(request: HttpRequest, pk: int) -> JsonResponse:
    """Save a draft sent by jury.js: {"version": n, "scores": {"<criterion id>": {"points", "comment"}}}.

    Answers {"version": new} or {"errors": {field: [messages]}} with 400 (bad input), 409 (changed
    elsewhere, or no longer editable); nothing is saved unless everything is valid."""
    sheet = _own_sheet(request, pk)
    if len(request.body) > MAX_BODY:
        return JsonResponse({"errors": {"__all__": [_("The draft is too large.")]}}, status=400)
    try:
        payload = loads_limited(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"errors": {"__all__": [_("The draft is not valid JSON.")]}}, status=400)
    if not isinstance(payload, dict) or not isinstance(payload.get("scores", {}), dict):
        return JsonResponse({"errors": {"__all__": [_("The draft has the wrong shape.")]}}, status=400)
    version = payload.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        return JsonResponse({"errors": {"__all__": [_("The page is out of date; reload it.")]}}, status=400)
    if not _editable(sheet):
        return JsonResponse({"errors": {"__all__": [_("The sheet can no longer be changed.")]}}, status=409)
    try:
        saved = services.sheet_save_draft(
            actor=request.user, sheet=sheet, version=version, scores=payload.get("scores") or {}
        )
    except PermissionDenied:
        raise
    except ValidationError as exc:
        stale = getattr(exc, "code", None) in ("stale", "locked", "round_closed")
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return JsonResponse({"errors": errors, "stale": stale}, status=409 if stale else 400)
    return JsonResponse({"version": saved.version})
