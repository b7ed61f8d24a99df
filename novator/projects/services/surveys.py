"""The readiness survey: starting a run, answering anonymously, closing.

Answers are never audited with the person who gave them: an activity record «user X answered run Y»
would itself say who took part. The run's start and close are audited.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from novator.core import audit
from novator.core.academic_year import AcademicYear
from novator.core.dates import ddmmyyyy
from novator.core.services import require, user_or_none
from novator.organizations.models import Organization

from .. import survey_defaults
from ..models import (
    LIKERT_MAX,
    LIKERT_MIN,
    RunState,
    SurveyAnswer,
    SurveyItem,
    SurveyParticipation,
    SurveyQuestionnaire,
    SurveyResponse,
    SurveyRun,
)


@transaction.atomic
def questionnaire_default() -> SurveyQuestionnaire:
    """The default questionnaire (the migration creates it; made again if an operator deleted it)."""
    questionnaire = SurveyQuestionnaire.objects.filter(is_default=True).first()
    if questionnaire is not None:
        return questionnaire
    questionnaire = SurveyQuestionnaire.objects.create(
        title=survey_defaults.TITLE, description=survey_defaults.DESCRIPTION, is_default=True
    )
    SurveyItem.objects.bulk_create(
        SurveyItem(questionnaire=questionnaire, scale=scale, text=text, reversed=rev, position=i)
        for i, (scale, text, rev) in enumerate(survey_defaults.ITEMS, start=1)
    )
    return questionnaire


@transaction.atomic
def survey_run_create(
    *,
    actor: Any,
    organization: Organization,
    academic_year: AcademicYear,
    closes_on: datetime.date,
    questionnaire: SurveyQuestionnaire | None = None,
    today: datetime.date | None = None,
    is_demo: bool = False,
) -> SurveyRun:
    require(actor, "projects.run_survey", organization)
    today = today or timezone.localdate()
    if closes_on < today:
        raise ValidationError({"closes_on": _("The closing date cannot be in the past.")})
    if closes_on > academic_year.ends:
        raise ValidationError(
            {
                "closes_on": _("Close the survey within the academic year (by %(end)s).")
                % {"end": ddmmyyyy(academic_year.ends)}
            }
        )
    questionnaire = questionnaire or questionnaire_default()
    if not questionnaire.is_active:
        raise ValidationError({"questionnaire": _("This questionnaire is no longer in use.")})
    run = SurveyRun(
        organization=organization,
        academic_year=str(academic_year),
        questionnaire=questionnaire,
        closes_on=closes_on,
        salt=secrets.token_hex(32),
        created_by=user_or_none(actor),
        is_demo=is_demo,
    )
    run.full_clean()
    run.save()
    audit.record(
        actor=actor, action="survey.start", obj=run, changes={"academic_year": [None, run.academic_year]}
    )
    return run


def participant_key(user: Any) -> str:
    return f"user:{user.pk}"


def participation_token(run: SurveyRun, key: str) -> str:
    """A keyed hash of the participant with the run's salt: once the salt is erased, irreversible."""
    message = f"{run.pk}:{run.salt}:{key}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def has_answered(run: SurveyRun, key: str) -> bool:
    if not run.salt:
        return False
    return SurveyParticipation.objects.filter(run=run, token=participation_token(run, key)).exists()


def answering_closed_reason(run: SurveyRun, today: datetime.date | None = None) -> str | None:
    today = today or timezone.localdate()
    if run.state != RunState.OPEN or not run.salt:
        return _("The survey is closed.")
    if today > run.closes_on:
        return _("Answers were accepted until %(day)s.") % {"day": ddmmyyyy(run.closes_on)}
    return None


@transaction.atomic
def survey_response_submit(
    *,
    actor: Any,
    run: SurveyRun,
    answers: Mapping[int, int],
    participant: str,
    today: datetime.date | None = None,
) -> None:
    """Record one respondent's answers. Returns nothing that could identify the response.

    `participant` identifies the respondent only to stop a second answer (`participant_key(user)`); it
    is stored as a keyed hash apart from the answers. The actor must be allowed to answer (a teacher or
    the coordinator of the organisation); `actor=None` is the system (demo data)."""
    run = SurveyRun.objects.select_for_update(of=("self",)).select_related("organization").get(pk=run.pk)
    require(actor, "projects.answer_survey", run)
    reason = answering_closed_reason(run, today)
    if reason:
        raise ValidationError(reason, code="closed")
    items = list(run.questionnaire.items.all())
    errors = {}
    for item in items:
        value = answers.get(item.pk)
        if value is None:
            errors[f"item_{item.pk}"] = _("Choose an answer.")
        elif not isinstance(value, int) or isinstance(value, bool) or not LIKERT_MIN <= value <= LIKERT_MAX:
            errors[f"item_{item.pk}"] = _("Choose a value from %(min)d to %(max)d.") % {
                "min": LIKERT_MIN,
                "max": LIKERT_MAX,
            }
    if set(answers) - {item.pk for item in items}:
        errors["__all__"] = _("The answers do not match the questionnaire.")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            SurveyParticipation.objects.create(run=run, token=participation_token(run, participant))
    except IntegrityError:
        raise ValidationError(_("You have already answered this survey."), code="answered") from None
    response = SurveyResponse.objects.create(run=run)
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(response=response, item=item, value=answers[item.pk]) for item in items
    )


@transaction.atomic
def survey_run_close(*, actor: Any, run: SurveyRun) -> SurveyRun:
    """Stop accepting answers and erase the salt: from now on nobody can tell who took part."""
    run = SurveyRun.objects.select_for_update(of=("self",)).select_related("organization").get(pk=run.pk)
    require(actor, "projects.run_survey", run)
    if run.state == RunState.CLOSED:
        raise ValidationError(_("The survey is already closed."))
    run.state = RunState.CLOSED
    run.salt = ""
    run.save(update_fields=["state", "salt"])
    audit.record(
        actor=actor, action="survey.close", obj=run, changes={"state": [RunState.OPEN.value, run.state]}
    )
    return run
