"""The scoring sheet's workflow, declared as data and performed by `core.workflow.perform`.

A sheet is a draft until its expert submits it (every criterion scored, comments where required, a
conclusion); a submitted sheet is locked until the contest's chair reopens it with a reason. Both moves
happen only while the contest is in expertise (and, for a round's sheet, while the round is scoring).
Saving a draft is no move (`services.sheet_save_draft`); it is refused for the same reasons as submitting.

The guards carry the refusals the expert and the chair read (the sources take both states, so that a
submitted sheet says it is locked rather than naming its state); the pages draw their buttons from
`allowed(user, sheet, SHEET_TRANSITIONS)`. What submitting writes is in `services.sheets`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from novator.contests.models import ContestState, RoundState
from novator.core.workflow import Step, Transition, Transitions

from .models import ScoreSheet

S = ScoreSheet.State
BOTH = frozenset({S.DRAFT, S.SUBMITTED})


def expertise_open(sheet: Any, step: Step | None = None) -> None:
    """The contest is in expertise: its sheets can change."""
    if sheet.assignment.application.contest.state != ContestState.EXPERTISE:
        raise ValidationError(_("The expertise of this contest is closed."), code="wrong_state")


def round_scoring(sheet: Any, step: Step | None = None) -> None:
    """A round's sheet changes only while the round is scoring."""
    round = sheet.assignment.round
    if round is not None and round.state != RoundState.SCORING:
        raise ValidationError(_("The round is closed: its sheets can no longer change."), code="round_closed")


def not_locked(sheet: Any, step: Step | None = None) -> None:
    if sheet.state == S.SUBMITTED:
        raise ValidationError(
            _("The sheet has been submitted and is locked; the chair can reopen it."), code="locked"
        )


#: when the expert may change the sheet (save a draft or submit), in the order the refusals are told
EDITABLE: tuple[Callable[..., None], ...] = (expertise_open, round_scoring, not_locked)


def _results_open(sheet: Any, step: Step) -> None:
    if sheet.assignment.application.contest.state != ContestState.EXPERTISE:
        raise ValidationError(_("The results are confirmed: reopen the expertise first."), code="wrong_state")


def _submitted(sheet: Any, step: Step) -> None:
    if sheet.state != S.SUBMITTED:
        raise ValidationError(_("Only a submitted sheet can be reopened."), code="wrong_state")


def _reason_given(sheet: Any, step: Step) -> None:
    if not step.reason:
        raise ValidationError({"reason": _("Give the reason.")})


def _stamp_reopened(sheet: Any, step: Step) -> None:
    sheet.reopen_reason = step.reason
    sheet.submitted_at = None
    sheet.version += 1


def _notify_reopened(sheet: Any, step: Step) -> None:
    from . import notifications

    notifications.sheet_reopened(sheet, step.reason)


def _check_input(sheet: Any, step: Step) -> None:
    """The version the page was loaded with, the input and, to submit, its completeness."""
    from .services.sheets import submit_check

    submit_check(sheet, step)


def _write_input(sheet: Any, step: Step) -> None:
    from .services.sheets import submit_write

    submit_write(sheet, step)


def _tell_when_complete(sheet: Any, step: Step) -> None:
    from .services.sheets import tell_when_complete

    tell_when_complete(sheet)


SHEET_TRANSITIONS = Transitions(
    S,
    (
        Transition(
            "submit",
            gettext_lazy("Submit"),
            BOTH,
            S.SUBMITTED,
            "expertise.score",
            style="btn-primary",
            guards=EDITABLE,
            checks=(_check_input,),
            effects=(_write_input,),
            after=(_tell_when_complete,),
        ),
        Transition(
            "reopen",
            gettext_lazy("Reopen"),
            BOTH,
            S.DRAFT,
            "expertise.reopen_sheet",
            style="btn-outline-warning",
            guards=(_results_open, _submitted),
            checks=(_reason_given,),
            effects=(_stamp_reopened,),
            notify=_notify_reopened,
        ),
    ),
    action="expertise.sheet_{name}",
    related=("assignment__application__contest", "assignment__expert__user", "assignment__round"),
)
