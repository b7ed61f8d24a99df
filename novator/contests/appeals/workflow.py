"""The appeal's workflow, declared as data on `core.workflow`: submitted → under review → rejected | upheld.

Submitting creates the appeal (`services.appeal_submit`); the reviewers (`contests.review_appeal`: the chair
and the members of the commission who did not score the application) take it for review and decide it
with a justification. Upholding sets the new total: the published outcome is re-ranked (`services`).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from novator.core.services import user_or_none
from novator.core.workflow import Step, Transition, Transitions

from .models import AppealState as S

MAX_TOTAL_DIGITS = Decimal("0.01")


def stamp_review_started(appeal: Any, step: Step) -> None:
    appeal.review_started_at = step.now


def stamp_decided(appeal: Any, step: Step) -> None:
    appeal.justification = step.reason
    appeal.decided_at = step.now
    appeal.decided_by = user_or_none(step.actor)


def parse_total(value: Any) -> Decimal | None:
    """A total as typed (a comma or a point), or None when it is not a number."""
    if isinstance(value, Decimal):
        return value
    text = str(value if value is not None else "").strip().replace(",", ".").replace(" ", "")
    try:
        result = Decimal(text)
    except InvalidOperation:
        return None
    return result if result.is_finite() else None


def check_new_total(appeal: Any, step: Step) -> None:
    """The new total: a number from 0 to the contest's maximum, other than the total before."""
    total = parse_total(step.params.get("total"))
    if total is None:
        raise ValidationError({"total": _("Give the new total as a number, e.g. 17.5.")})
    total = total.quantize(MAX_TOTAL_DIGITS)
    maximum = appeal.application.contest.max_total
    if total < 0 or (maximum and total > maximum):
        raise ValidationError({"total": _("The total must be from 0 to %(max)s.") % {"max": maximum}})
    if appeal.total_before is not None and total == appeal.total_before:
        raise ValidationError(
            {
                "total": _(
                    "The new total equals the total before the appeal (%(total)s): reject the appeal instead."
                )
                % {"total": appeal.total_before}
            }
        )
    step.params["total"] = total


def set_new_total(appeal: Any, step: Step) -> None:
    appeal.total_after = step.params["total"]


def apply_outcome(appeal: Any, step: Step) -> None:
    from .services import apply_upheld

    apply_upheld(appeal, actor=step.actor)


def notify_decision(appeal: Any, step: Step) -> None:
    from .notifications import appeal_decided

    appeal_decided(appeal)


APPEAL_TRANSITIONS = Transitions(
    S,
    (
        Transition(
            "take",
            gettext_lazy("Take for review"),
            frozenset({S.SUBMITTED}),
            S.UNDER_REVIEW,
            "contests.review_appeal",
            effects=(stamp_review_started,),
        ),
        Transition(
            "reject",
            gettext_lazy("Reject the appeal"),
            frozenset({S.UNDER_REVIEW}),
            S.REJECTED,
            "contests.review_appeal",
            needs_reason=True,
            style="btn-outline-danger",
            effects=(stamp_decided,),
            notify=notify_decision,
        ),
        Transition(
            "uphold",
            gettext_lazy("Uphold: change the total"),
            frozenset({S.UNDER_REVIEW}),
            S.UPHELD,
            "contests.review_appeal",
            needs_reason=True,
            style="btn-outline-success",
            checks=(check_new_total,),
            effects=(stamp_decided, set_new_total),
            after=(apply_outcome,),
            notify=notify_decision,
        ),
    ),
    action="appeal.{name}",
    related=("application__contest", "application__organization"),
    reason_error={"reason": gettext_lazy("Give the justification of the decision.")},
)
