"""The authority's own programme (e.g. its regional innovation platform) in stages by academic year.

A stage has tasks and planned results; a result's actual value is measured from what the system holds
(a contest, statuses awarded, later events and products) through `novator.projects.metrics`, or typed in
when nothing in the system can measure it.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from novator.core.academic_year import AcademicYear
from novator.core.models import TimeStampedModel
from novator.organizations.models import Municipality, Organization
from novator.statuses.models import StatusKind

from .common import roman, validate_academic_year


class Programme(TimeStampedModel):
    title = models.CharField(_("title"), max_length=500)
    goal = models.TextField(_("goal"))
    novelty = models.TextField(_("novelty"), blank=True)
    description = models.TextField(_("description"), blank=True)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="programmes",
        help_text=_("Its methodologists run the programme; statuses are counted in it."),
    )
    organizer = models.ForeignKey(
        Organization,
        verbose_name=_("organiser"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programmes",
        help_text=_("The methodological centre that carries out the programme."),
    )
    status_kind = models.ForeignKey(
        StatusKind,
        verbose_name=_("status of the platform"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programmes",
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    is_published = models.BooleanField(_("published"), default=True)
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="programme_term_ordered",
                violation_error_message=_("The term must end after it starts."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:programme_detail", args=[self.pk])

    @property
    def years(self) -> str:
        return f"{self.starts_on.year}–{self.ends_on.year}"


class ProgrammeStage(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="stages")
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    academic_year = models.CharField(_("academic year"), max_length=7, validators=[validate_academic_year])
    title = models.CharField(_("title"), max_length=500)
    audience = models.CharField(_("participants"), max_length=500, blank=True)
    tasks = models.TextField(_("tasks"), blank=True, help_text=_("One task per line."))
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(0)],
        help_text=_("The stage's share in the programme's progress (0 leaves it out)."),
    )

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["programme", "number", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "number"],
                name="programme_stage_unique_number",
                violation_error_message=_("The programme already has a stage with this number."),
            ),
            models.UniqueConstraint(
                fields=["programme", "academic_year"],
                name="programme_stage_unique_year",
                violation_error_message=_("The programme already has a stage in this academic year."),
            ),
            models.CheckConstraint(condition=Q(weight__gte=0), name="programme_stage_weight_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.roman} {self.title}"

    @property
    def roman(self) -> str:
        return roman(self.number)

    @property
    def year(self) -> AcademicYear:
        return AcademicYear.parse(self.academic_year)

    @property
    def task_list(self) -> list[str]:
        return [line.strip() for line in self.tasks.splitlines() if line.strip()]


class ProgrammeResult(models.Model):
    """A planned result of a stage. `source` names a metric source that measures the actual value (its
    `target` is the id or code of what it measures); an empty source means the actual value is typed."""

    stage = models.ForeignKey(ProgrammeStage, on_delete=models.CASCADE, related_name="results")
    title = models.CharField(_("result"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("measured by"), max_length=64, blank=True)
    target = models.CharField(_("what is measured"), max_length=64, blank=True)
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    planned_value = models.DecimalField(
        _("planned value"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    actual_value = models.DecimalField(
        _("actual value"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Only for results typed in; the others are measured."),
    )
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(0)],
        help_text=_("The result's share in the stage's progress (0 leaves it out)."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("planned result")
        verbose_name_plural = _("planned results")
        ordering = ["stage", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=0), name="programme_result_weight_not_negative"),
            models.CheckConstraint(
                condition=Q(planned_value__isnull=True) | Q(planned_value__gte=0),
                name="programme_result_planned_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(source="") | Q(actual_value__isnull=True),
                name="programme_result_measured_not_typed",
                violation_error_message=_("A measured result has no typed actual value."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_measured(self) -> bool:
        return bool(self.source)
