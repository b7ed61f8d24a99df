"""The staff readiness survey: a questionnaire of Likert items, run per organisation and academic year.

Anonymity by construction: a response has no link to a person, no time stamp and a random key; who has
answered is kept apart (`SurveyParticipation`) as a keyed hash of the participant with the run's salt,
and the salt is erased when the run is closed, so not even the operator can tell who took part.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from novator.organizations.models import Organization

from ..querysets import SurveyRunQuerySet
from .common import validate_academic_year

#: Results are shown only for groups of at least this many respondents.
MIN_GROUP = 5
LIKERT_MIN, LIKERT_MAX = 1, 5


class Scale(models.TextChoices):
    MOTIVATION = "motivation", _("Motivation")
    KNOWLEDGE = "knowledge", _("Knowledge of innovation methods")
    EXPERIENCE = "experience", _("Experience")
    REFLECTION = "reflection", _("Reflection")


class SurveyQuestionnaire(models.Model):
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("instructions for respondents"), blank=True)
    is_default = models.BooleanField(_("default"), default=False)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["-is_default", "title", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="questionnaire_one_default"
            )
        ]

    def __str__(self) -> str:
        return self.title


class SurveyItem(models.Model):
    """A statement the respondent rates from 1 (disagree) to 5 (agree); a reversed item is scored 6 − x."""

    questionnaire = models.ForeignKey(SurveyQuestionnaire, on_delete=models.CASCADE, related_name="items")
    scale = models.CharField(_("scale"), max_length=16, choices=Scale.choices)
    text = models.CharField(_("statement"), max_length=500)
    reversed = models.BooleanField(_("reverse-scored"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("questionnaire item")
        verbose_name_plural = _("questionnaire items")
        ordering = ["questionnaire", "position", "id"]

    def __str__(self) -> str:
        return self.text


class RunState(models.TextChoices):
    OPEN = "open", _("Collecting answers")
    CLOSED = "closed", _("Closed")


class SurveyRun(models.Model):
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="survey_runs"
    )
    academic_year = models.CharField(_("academic year"), max_length=7, validators=[validate_academic_year])
    questionnaire = models.ForeignKey(
        SurveyQuestionnaire, verbose_name=_("questionnaire"), on_delete=models.PROTECT, related_name="runs"
    )
    state = models.CharField(_("state"), max_length=10, choices=RunState.choices, default=RunState.OPEN)
    closes_on = models.DateField(_("answers accepted until"))
    # The key of the participation hashes; erased on closing (then nobody can recompute who took part).
    salt = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_demo = models.BooleanField(default=False, editable=False)

    objects = SurveyRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey run")
        verbose_name_plural = _("survey runs")
        ordering = ["-academic_year", "organization__short_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "academic_year"],
                name="survey_run_one_per_year",
                violation_error_message=_("The organisation already has a survey in this academic year."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} — {self.academic_year}"

    def get_absolute_url(self) -> str:
        return reverse("projects:survey_detail", args=[self.pk])


class SurveyParticipation(models.Model):
    """That someone has answered a run: a keyed hash, nothing else (no person, no time)."""

    run = models.ForeignKey(SurveyRun, on_delete=models.CASCADE, related_name="participations")
    token = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [models.UniqueConstraint(fields=["run", "token"], name="survey_answer_once")]

    def __str__(self) -> str:
        return self.token[:8]


class SurveyResponse(models.Model):
    """One respondent's answers: a random key and the run, nothing that points to a person."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    run = models.ForeignKey(SurveyRun, on_delete=models.CASCADE, related_name="responses")

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")

    def __str__(self) -> str:
        return str(self.id)[:8]


class SurveyAnswer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(SurveyItem, on_delete=models.PROTECT, related_name="answers")
    value = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(LIKERT_MIN), MaxValueValidator(LIKERT_MAX)]
    )

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "item"], name="survey_answer_one_per_item"),
            models.CheckConstraint(
                condition=Q(value__gte=LIKERT_MIN, value__lte=LIKERT_MAX), name="survey_answer_likert"
            ),
        ]

    def __str__(self) -> str:
        return str(self.value)
