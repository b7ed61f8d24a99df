"""The contest's scoring settings: which ranking is official (raw or calibrated), the minimum of sheets
for an expert's totals to be calibrated, and the spread that flags an application.

The first two are chosen before scoring starts: once a scoring sheet of the contest has been submitted
(even if it was reopened since), they are locked — changing them would change the outcome after the
scores were seen. The spread flag only marks applications for attention and may change until the
results are confirmed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from novator.contests.models import Contest, ContestState
from novator.core.services import model_update, require

from ..models import ScoreSheet
from ._common import SETUP_STATES, require_state

LOCKED_FIELDS = ("official_ranking", "calibration_min_sheets")
FIELDS = (*LOCKED_FIELDS, "spread_threshold_percent")


def scoring_started(contest: Contest) -> bool:
    """A sheet of the contest has been submitted (a reopened one keeps its reason: it was submitted)."""
    return (
        ScoreSheet.objects.filter(assignment__application__contest=contest)
        .filter(Q(state=ScoreSheet.State.SUBMITTED) | ~Q(reopen_reason=""))
        .exists()
    )


def scoring_locked_reason(contest: Contest) -> str | None:
    if contest.state not in (ContestState.DRAFT, ContestState.ANNOUNCED, ContestState.EXPERTISE):
        return _("The results are confirmed: the scoring settings can no longer be changed.")
    if scoring_started(contest):
        return _(
            "Scoring has started: the official ranking and the minimum of sheets for calibration can no "
            "longer be changed."
        )
    return None


@transaction.atomic
def scoring_settings_update(*, actor: Any, contest: Contest, data: Mapping[str, Any]) -> dict[str, Any]:
    """Change the scoring settings; a locked setting given with a new value is refused (nothing saved)."""
    require(actor, "contests.manage_contest", contest)
    contest = Contest.objects.select_for_update(of=("self",)).get(pk=contest.pk)
    require_state(
        contest, SETUP_STATES, _("The results are confirmed: the scoring settings can no longer be changed.")
    )
    before = {name: getattr(contest, name) for name in LOCKED_FIELDS}

    def validate(contest: Contest) -> None:
        changed = {name for name in LOCKED_FIELDS if getattr(contest, name) != before[name]}
        if changed and scoring_started(contest):
            raise ValidationError(
                _(
                    "Scoring has started: the official ranking and the minimum of sheets for calibration can "
                    "no longer be changed."
                ),
                code="locked",
            )
        contest.full_clean(exclude=["regulation_file"])

    return model_update(
        contest, fields=FIELDS, data=data, actor=actor, action="contest.scoring_settings", validate=validate
    )
