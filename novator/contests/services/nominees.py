"""Professional contests: who may be nominated, the next stage, the diplomas.

Eligibility is checked when the coordinator nominates a person and again on submission, so a rule
changed in between (or a person who won elsewhere meanwhile) is caught with a clear message:

- the nominee works in the nominating organisation and has given consent to the processing of personal
  data (the publication consent is separate: see `Person.publication_consent_in_force`);
- teaching experience of at least `Contest.min_experience_years` (declared by the coordinator on the
  nomination, `Application.experience_years`);
- not an administrator when `Contest.exclude_administrators` (a head or a deputy head, read from the
  position: «директор», «заведующий», «заместитель», «руководитель» …);
- not a winner of the same series (`Contest.series`, or the title when empty) in the last
  `Contest.exclude_winners_years` academic years.
"""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from novator.core import audit
from novator.core.services import require

from ..models import Application, Contest, ContestKind, ContestState, Diploma, Distinction
from . import _common

# ---------------------------------------------------------------------------------------------------
# After the results


@transaction.atomic
def application_nominate_next_stage(
    *, actor: Any, application: Application, note: str = "", now: datetime.datetime | None = None
) -> Application:
    """Record that the winner goes on to the next (regional) stage."""
    application = (
        Application.objects.select_for_update(of=("self",)).select_related("contest").get(pk=application.pk)
    )
    contest = application.contest
    require(actor, "contests.manage_contest", contest)
    if contest.kind != ContestKind.PROFESSIONAL:
        raise ValidationError(_("Only professional contests send winners to a next stage."))
    if contest.state not in (ContestState.DECIDED, ContestState.PUBLISHED):
        raise ValidationError(_("The results are not confirmed yet."))
    if application.distinction != Distinction.WINNER:
        raise ValidationError(_("Only a winner goes on to the next stage."))
    if application.next_stage_at is not None:
        raise ValidationError(_("The nomination to the next stage is already recorded."), code="already_done")
    note = (note or "").strip() or contest.next_stage_title
    if len(note) > 255:
        raise ValidationError({"note": _("The note is at most 255 characters.")})
    application.next_stage_at = now or _common.now()
    application.next_stage_note = note
    application.save(update_fields=["next_stage_at", "next_stage_note", "updated_at"])
    audit.record(
        actor=actor, action="application.next_stage", obj=application, changes={"next_stage": [None, note]}
    )
    return application


def _new_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3))


def diplomas_issue(*, contest: Contest, now: datetime.datetime | None = None) -> list[Diploma]:
    """A diploma for every winner and laureate and a certificate for every other scored participant that
    has none yet (safe to run again). Called when a professional contest's results are published."""
    if contest.kind != ContestKind.PROFESSIONAL:
        return []
    moment = now or _common.now()
    issued = []
    for application in Application.objects.filter(contest=contest, diploma__isnull=True).exclude(
        distinction=""
    ):
        issued.append(
            Diploma.objects.create(
                application=application, kind=application.distinction, code=_new_code(), issued_at=moment
            )
        )
    return issued
