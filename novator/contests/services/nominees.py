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

from ..models import Application, Contest, ContestKind, ContestState, Diploma, Distinction
from . import _common
from ._common import require

#: Words of a position that make a person an administrator (lower case, matched as word beginnings).
ADMINISTRATOR_WORDS = ("директор", "заведующ", "заместител", "руководител", "director", "head", "deputy")
#: Positions that contain an administrator word but are teaching posts.
TEACHING_EXCEPTIONS = ("руководитель кружка", "музыкальный руководитель", "руководитель физического")


def is_administrator(position: str) -> bool:
    text = " ".join((position or "").lower().replace("-", " ").split())
    if any(phrase in text for phrase in TEACHING_EXCEPTIONS):
        return False
    return any(word.startswith(prefix) for word in text.split() for prefix in ADMINISTRATOR_WORDS)


def _year_start(academic_year: str) -> int:
    return int((academic_year or "0")[:4] or 0)


def recent_win(contest: Contest, person: Any) -> Application | None:
    """A win of `person` in the same series within `contest.exclude_winners_years` before it."""
    years = contest.exclude_winners_years
    if not years or person is None:
        return None
    start = _year_start(contest.academic_year)
    recent = [f"{y}/{(y + 1) % 100:02d}" for y in range(start - years, start)]
    wins = Application.objects.filter(
        applicant=person,
        distinction=Distinction.WINNER,
        contest__kind=ContestKind.PROFESSIONAL,
        contest__academic_year__in=recent,
    ).exclude(contest=contest)
    if contest.series:
        wins = wins.filter(contest__series=contest.series)
    else:
        wins = wins.filter(contest__title=contest.title)
    return wins.select_related("contest").order_by("-contest__academic_year").first()


def nominee_errors(
    contest: Contest, organization: Any, person: Any, experience_years: int | None
) -> dict[str, list[str]]:
    """Why `person` cannot be nominated to `contest` by `organization`, by form field (empty: eligible)."""
    errors: dict[str, list[str]] = {}
    if contest.kind != ContestKind.PROFESSIONAL:
        return errors
    if person is None:
        errors["applicant"] = [_("Choose the nominee.")]
        return errors
    if person.organization_id != getattr(organization, "pk", None):
        errors.setdefault("applicant", []).append(
            _("The nominee does not work in the nominating organisation.")
        )
    if not person.processing_consent_on:
        errors.setdefault("applicant", []).append(
            _("%(name)s has not given consent to the processing of personal data; record it first.")
            % {"name": person.full_name}
        )
    if contest.exclude_administrators and is_administrator(person.position):
        errors.setdefault("applicant", []).append(
            _("Administrators (%(position)s) cannot be nominated to this contest.")
            % {"position": person.position}
        )
    win = recent_win(contest, person)
    if win is not None:
        errors.setdefault("applicant", []).append(
            _(
                "%(name)s won «%(contest)s» (%(year)s): "
                "winners of the last %(years)d years cannot be nominated."
            )
            % {
                "name": person.full_name,
                "contest": win.contest.title,
                "year": win.contest.academic_year,
                "years": contest.exclude_winners_years,
            }
        )
    if experience_years is None:
        errors.setdefault("experience_years", []).append(
            _("Give the nominee's teaching experience in years.")
        )
    elif experience_years < contest.min_experience_years:
        errors.setdefault("experience_years", []).append(
            _(
                "The contest requires at least %(min)d years of teaching experience; "
                "the nominee has %(years)d."
            )
            % {"min": contest.min_experience_years, "years": experience_years}
        )
    return errors


def check_nominee(application: Application, now: datetime.datetime) -> None:
    """The submit check: the nominee is (still) eligible."""
    errors = nominee_errors(
        application.contest, application.organization, application.applicant, application.experience_years
    )
    if errors:
        raise ValidationError(errors, code="ineligible")


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
