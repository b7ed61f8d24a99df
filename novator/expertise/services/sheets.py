"""Scoring sheets: save a draft, submit (then locked), reopen by the chair (the moves are declared in
`workflow.py`). Every change is audited.

The sheet carries a version for optimistic locking: a save names the version it was edited from, and a
save from a stale page (another tab, another device) is refused with a clear message instead of
overwriting newer work.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from novator.contests.models import ContestState, Criterion
from novator.core import audit
from novator.core.services import require
from novator.core.workflow import Step, perform

from .. import notifications, workflow
from ..models import Commission, Score, ScoreSheet
from ..selectors.progress import all_sheets_submitted

COMMENT_MAX = 5000
CONCLUSION_MAX = 20000
STEP = Decimal("0.5")

#: {criterion id: (points, comment)}
Values = dict[int, tuple[Decimal | None, str]]


def points_field(criterion_id: int) -> str:
    return f"points_{criterion_id}"


def comment_field(criterion_id: int) -> str:
    return f"comment_{criterion_id}"


def parse_points(value: Any, criterion: Criterion) -> Decimal | None:
    """Points as a Decimal within 0…max in steps of 0.5; empty is None. Raises a message for the user."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number: Decimal
    if isinstance(value, bool):
        number = Decimal("NaN")
    elif isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(str(value))
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip().replace(",", "."))
        except InvalidOperation:
            number = Decimal("NaN")
    else:
        number = Decimal("NaN")
    if not number.is_finite():
        raise ValidationError(_("Enter the points as a number."), code="invalid")
    if number < 0 or number > criterion.max_points:
        raise ValidationError(
            _("Points for «%(criterion)s» are from 0 to %(max)s.")
            % {"criterion": criterion.name, "max": _num(criterion.max_points)},
            code="range",
        )
    if number % STEP != 0:
        raise ValidationError(
            _("Points are given in steps of 0.5 (e.g. 2 or 2.5)."),
            code="step",
        )
    return number.quantize(Decimal("0.1"))


def _num(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def _criteria(sheet: ScoreSheet) -> list[Criterion]:
    # a round's sheet scores the round's criteria; a status contest's sheet the criteria without a round
    criteria = Criterion.objects.filter(contest_id=sheet.assignment.application.contest_id)
    return list(criteria.filter(round=sheet.assignment.round).order_by("position", "pk"))


def _current(sheet: ScoreSheet, criteria: list[Criterion]) -> tuple[Values, dict[int, Score]]:
    scores = {s.criterion_id: s for s in Score.objects.filter(sheet=sheet)}
    values: Values = {
        c.pk: (scores[c.pk].points, scores[c.pk].comment) if c.pk in scores else (None, "") for c in criteria
    }
    return values, scores


def _merge(
    criteria: list[Criterion],
    values: Values,
    scores: Mapping[Any, Mapping[str, Any]] | None,
    conclusion: Any,
    current_conclusion: str,
) -> tuple[Values, str]:
    """The sheet after applying the input; raises every input error at once, by field."""
    by_id = {c.pk: c for c in criteria}
    merged = dict(values)
    errors: dict[str, list[str]] = {}
    for key, item in (scores or {}).items():
        try:
            criterion = by_id[int(key)]
        except (KeyError, TypeError, ValueError):
            errors.setdefault("__all__", []).append(
                _("Criterion %(id)s is not a criterion of this contest.") % {"id": key}
            )
            continue
        item = item if isinstance(item, Mapping) else {}
        points, comment = merged[criterion.pk]
        if "points" in item:
            try:
                points = parse_points(item["points"], criterion)
            except ValidationError as exc:
                errors.setdefault(points_field(criterion.pk), []).extend(exc.messages)
        if "comment" in item:
            raw = item["comment"]
            if raw is None:
                raw = ""
            if not isinstance(raw, str):
                errors.setdefault(comment_field(criterion.pk), []).append(_("The comment must be text."))
            elif len(raw) > COMMENT_MAX:
                errors.setdefault(comment_field(criterion.pk), []).append(
                    _("The comment is longer than %(max)d characters.") % {"max": COMMENT_MAX}
                )
            else:
                comment = raw.strip()
        merged[criterion.pk] = (points, comment)
    text = current_conclusion
    if conclusion is not None:
        if not isinstance(conclusion, str):
            errors.setdefault("conclusion", []).append(_("The conclusion must be text."))
        elif len(conclusion) > CONCLUSION_MAX:
            errors.setdefault("conclusion", []).append(
                _("The conclusion is longer than %(max)d characters.") % {"max": CONCLUSION_MAX}
            )
        else:
            text = conclusion.strip()
    if errors:
        raise ValidationError(errors)
    return merged, text


def _snapshot(criteria: list[Criterion], values: Values, conclusion: str) -> dict[str, Any]:
    snap: dict[str, Any] = {"conclusion": conclusion}
    for c in criteria:
        points, comment = values[c.pk]
        snap[f"{c.name}: points"] = None if points is None else str(points)
        snap[f"{c.name}: comment"] = comment
    return snap


def _write(sheet: ScoreSheet, criteria: list[Criterion], values: Values, existing: dict[int, Score]) -> None:
    for c in criteria:
        points, comment = values[c.pk]
        score = existing.get(c.pk)
        if score is None:
            if points is not None or comment:
                Score.objects.create(sheet=sheet, criterion=c, points=points, comment=comment)
        elif score.points != points or score.comment != comment:
            score.points, score.comment = points, comment
            score.save(update_fields=["points", "comment"])


def _lock(sheet: ScoreSheet) -> ScoreSheet:
    return (
        ScoreSheet.objects.select_for_update(of=("self",))
        .select_related("assignment__application__contest", "assignment__expert__user", "assignment__round")
        .get(pk=sheet.pk)
    )


def _check_editable(actor: Any, sheet: ScoreSheet, version: int | None) -> None:
    require(actor, "expertise.score", sheet)
    for guard in workflow.EDITABLE:
        guard(sheet)
    _check_version(sheet, version)


def _check_version(sheet: ScoreSheet, version: int | None) -> None:
    if version is not None and version != sheet.version:
        raise ValidationError(
            _("The sheet was changed in another tab or window; reload the page to see the latest version."),
            code="stale",
        )


def completeness_errors(
    sheet: ScoreSheet, criteria: list[Criterion], values: Values, conclusion: str
) -> dict[str, list[str]]:
    contest = sheet.assignment.application.contest
    errors: dict[str, list[str]] = {}
    for c in criteria:
        points, comment = values[c.pk]
        if points is None:
            errors.setdefault(points_field(c.pk), []).append(_("Score this criterion."))
        elif contest.comment_required_below_max and points < c.max_points and not comment:
            errors.setdefault(comment_field(c.pk), []).append(
                _("Explain in a comment why the points are below the maximum.")
            )
    if not conclusion and sheet.assignment.round_id is None:  # a jury's round sheet needs no conclusion
        errors.setdefault("conclusion", []).append(_("Write the conclusion."))
    return errors


@transaction.atomic
def sheet_save_draft(
    *,
    actor: Any,
    sheet: ScoreSheet,
    version: int | None,
    scores: Mapping[Any, Mapping[str, Any]] | None = None,
    conclusion: str | None = None,
) -> ScoreSheet:
    """Save points, comments and the conclusion as a draft. `version` is the one the page was loaded with."""
    sheet = _lock(sheet)
    _check_editable(actor, sheet, version)
    criteria = _criteria(sheet)
    values, existing = _current(sheet, criteria)
    merged, text = _merge(criteria, values, scores, conclusion, sheet.conclusion)
    changes = audit.diff(_snapshot(criteria, values, sheet.conclusion), _snapshot(criteria, merged, text))
    if changes:
        _write(sheet, criteria, merged, existing)
        sheet.conclusion = text
        sheet.version += 1
        sheet.save(update_fields=["conclusion", "version", "updated_at"])
        audit.record(actor=actor, action="expertise.sheet_save", obj=sheet, changes=changes)
    return sheet


def sheet_submit(
    *,
    actor: Any,
    sheet: ScoreSheet,
    version: int | None,
    scores: Mapping[Any, Mapping[str, Any]] | None = None,
    conclusion: str | None = None,
) -> ScoreSheet:
    """Save the input and submit: every criterion scored, comments where required, a conclusion.
    A refused submission changes nothing; a submitted sheet is locked (`workflow.SHEET_TRANSITIONS`)."""
    return perform(
        actor,
        sheet,
        "submit",
        transitions=workflow.SHEET_TRANSITIONS,
        version=version,
        scores=scores,
        conclusion=conclusion,
    )


def submit_check(sheet: ScoreSheet, step: Step) -> None:
    """The check of the move «submit»: the version, the input and its completeness (kept in the step)."""
    _check_version(sheet, step.params["version"])
    criteria = _criteria(sheet)
    values, existing = _current(sheet, criteria)
    merged, text = _merge(
        criteria, values, step.params["scores"], step.params["conclusion"], sheet.conclusion
    )
    errors = completeness_errors(sheet, criteria, merged, text)
    if errors:
        raise ValidationError(errors)
    step.params.update(criteria=criteria, values=values, existing=existing, merged=merged, text=text)


def submit_write(sheet: ScoreSheet, step: Step) -> None:
    """The effect of the move «submit»: the scores and the conclusion written, the changes for the log."""
    criteria, merged, text = step.params["criteria"], step.params["merged"], step.params["text"]
    step.changes.update(
        audit.diff(
            _snapshot(criteria, step.params["values"], sheet.conclusion), _snapshot(criteria, merged, text)
        )
    )
    _write(sheet, criteria, merged, step.params["existing"])
    sheet.conclusion = text
    sheet.submitted_at = step.now
    sheet.version += 1


def sheet_reopen(*, actor: Any, sheet: ScoreSheet, reason: str) -> ScoreSheet:
    """The chair sends a submitted sheet back to its expert, with the reason (the expert is told)."""
    return perform(actor, sheet, "reopen", transitions=workflow.SHEET_TRANSITIONS, reason=reason)


def tell_when_complete(sheet: ScoreSheet) -> None:
    """The last sheet of a status contest's expertise is in: the chair and the secretary are told (after a
    submission, `workflow.SHEET_TRANSITIONS`)."""
    contest = sheet.assignment.application.contest
    if sheet.assignment.round_id is not None or contest.state != ContestState.EXPERTISE:
        return
    commission = Commission.objects.filter(contest=contest).select_related("chair__user", "secretary").first()
    if commission is None or not all_sheets_submitted(contest):
        return
    notifications.sheets_complete(contest, commission)
