"""Helpers shared by the expertise services."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from novator.contests.models import Contest, ContestState

from ..models import Commission

#: contest states in which the commission and the assignments may change
SETUP_STATES = frozenset({ContestState.DRAFT, ContestState.ANNOUNCED, ContestState.EXPERTISE})
ASSIGNING_STATES = frozenset({ContestState.ANNOUNCED, ContestState.EXPERTISE})


def require_state(contest: Contest, states: frozenset[str], message: str) -> None:
    if contest.state not in states:
        raise ValidationError(message, code="wrong_state")


def commission_of(contest: Contest) -> Commission:
    try:
        return Commission.objects.select_related("chair__user", "secretary").get(contest=contest)
    except Commission.DoesNotExist as exc:
        raise ValidationError(_("The contest has no expert commission yet."), code="no_commission") from exc
