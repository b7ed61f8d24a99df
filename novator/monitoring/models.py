"""Monitoring of the innovation potential: raw data elements, indicators over them, the composite index,
the weights history and the precomputed values (see docs/monitoring.md)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from novator.core.dates import ddmmyyyy
from novator.organizations.models import Municipality, Organization, Region

#: The code of the indicator that holds the innovation potential index.
INDEX_CODE = "index"
INDEX_NAME = "Индекс инновационного потенциала"

CODE_VALIDATOR = RegexValidator(
    r"^[a-z][a-z0-9_]*$", _("Latin small letters, digits and _ only, starting with a letter.")
)


class ElementSource(models.TextChoices):
    DERIVED = "derived", _("Derived from Novator's data")
    COLLECTED = "collected", _("Collected in campaigns")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class Level(models.TextChoices):
    ORGANIZATION = "organization", _("Organisation")
    MUNICIPALITY = "municipality", _("Municipality")
    REGION = "region", _("Region")


class DataElement(models.Model):
    code = models.CharField(_("code"), max_length=50, unique=True, validators=[CODE_VALIDATOR])
    name = models.CharField(_("name"), max_length=300)
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=ElementSource.choices)
    # validation of collected values
    is_integer = models.BooleanField(_("whole number"), default=True)
    min_value = models.DecimalField(_("minimum"), max_digits=14, decimal_places=4, null=True, blank=True)
    max_value = models.DecimalField(_("maximum"), max_digits=14, decimal_places=4, null=True, blank=True)
    not_greater_than = models.ForeignKey(
        "self",
        verbose_name=_("not greater than"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("A cross-field rule: the value may not exceed this element's value (e.g. ≤ teachers)."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("data element")
        verbose_name_plural = _("data elements")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class DataValue(models.Model):
    element = models.ForeignKey(DataElement, on_delete=models.CASCADE, related_name="values")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    academic_year = models.CharField(_("academic year"), max_length=7)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=4)
    source = models.CharField(_("source"), max_length=10, choices=ElementSource.choices)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("data value")
        verbose_name_plural = _("data values")
        constraints = [
            models.UniqueConstraint(
                fields=["element", "organization", "academic_year"], name="monitoring_value_unique"
            )
        ]
        indexes = [models.Index(fields=["academic_year", "element"])]

    def __str__(self) -> str:
        return f"{self.element_id} {self.organization_id} {self.academic_year}: {self.value}"


class Indicator(models.Model):
    code = models.CharField(_("code"), max_length=50, unique=True, validators=[CODE_VALIDATOR])
    name = models.CharField(_("name"), max_length=300)
    definition = models.TextField(_("definition"), blank=True)
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    numerator = models.CharField(_("numerator"), max_length=500, blank=True)
    denominator = models.CharField(
        _("denominator"), max_length=500, blank=True, help_text=_("Empty means 1.")
    )
    factor = models.DecimalField(_("factor"), max_digits=10, decimal_places=4, default=Decimal(1))
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_index(self) -> bool:
        return self.code == INDEX_CODE


class IndexWeightChange(models.Model):
    """One version of the index's weights and reference bounds; the newest is in force. Never edited."""

    created_at = models.DateTimeField(_("changed"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("reason"), blank=True)
    #: {indicator code: {"weight": float, "lower": float, "upper": float}}
    weights: Any = models.JSONField(_("weights"), default=dict)

    class Meta:
        verbose_name = _("change of the index weights")
        verbose_name_plural = _("history of the index weights")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {ddmmyyyy(self.created_at)}"


class MonitoringYear(models.Model):
    academic_year = models.CharField(_("academic year"), max_length=7, unique=True)
    published = models.BooleanField(_("published"), default=False)
    computed_at = models.DateTimeField(_("computed"), null=True, blank=True)
    weights = models.ForeignKey(
        IndexWeightChange, verbose_name=_("weights"), null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = _("monitoring year")
        verbose_name_plural = _("monitoring years")
        ordering = ["-academic_year"]

    def __str__(self) -> str:
        return self.academic_year


class IndicatorValue(models.Model):
    """A precomputed value of an indicator (or the index) for one organisation, municipality or region."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="computed")
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    academic_year = models.CharField(_("academic year"), max_length=7)
    # no index of their own: the composite indexes below begin with them (one index less to write for each
    # of the hundreds of thousands of rows a recomputation replaces)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    municipality = models.ForeignKey(
        Municipality, null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["academic_year", "indicator__position", "rank", "id"]
        indexes = [
            models.Index(fields=["academic_year", "level", "indicator"]),
            models.Index(fields=["organization", "indicator"]),
            models.Index(fields=["municipality", "level"]),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.level} {self.academic_year}: {self.value}"

    @property
    def object_id(self) -> int | None:
        if self.level == Level.ORGANIZATION:
            return self.organization_id
        if self.level == Level.MUNICIPALITY:
            return self.municipality_id
        return self.region_id


class Campaign(models.Model):
    """A collection of the collected data elements from the organisations that must answer."""

    title = models.CharField(_("title"), max_length=300)
    academic_year = models.CharField(_("academic year"), max_length=7)
    due_on = models.DateField(_("due"))
    elements = models.ManyToManyField(DataElement, verbose_name=_("data elements"), related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("data campaign")
        verbose_name_plural = _("data campaigns")
        ordering = ["-academic_year", "-due_on", "id"]

    def __str__(self) -> str:
        return self.title


class ResponseState(models.TextChoices):
    DRAFT = "draft", _("Not submitted")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for fixes")
    APPROVED = "approved", _("Approved")


class CampaignResponse(models.Model):
    """One organisation's answer to a campaign: the values as typed, until approved into DataValue."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="responses")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(
        _("state"), max_length=10, choices=ResponseState.choices, default=ResponseState.DRAFT
    )
    #: {element code: "value as a decimal string"}
    values: Any = models.JSONField(_("values"), default=dict, blank=True)
    comment = models.TextField(_("methodologist's comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: the version of the draft for the edit page's optimistic locking (novator.core.concurrency)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("campaign response")
        verbose_name_plural = _("campaign responses")
        ordering = ["campaign", "organization__short_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "organization"], name="monitoring_response_unique")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.organization_id}"

    def is_overdue(self, today: Any) -> bool:
        return self.state in (ResponseState.DRAFT, ResponseState.RETURNED) and self.campaign.due_on < today


class ReminderKind(models.TextChoices):
    BEFORE = "before", _("Due soon")
    OVERDUE = "overdue", _("Overdue")


class CampaignReminder(models.Model):
    """One reminder of one kind about one response: the unique pair makes sending idempotent."""

    response = models.ForeignKey(CampaignResponse, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("kind"), max_length=10, choices=ReminderKind.choices)
    sent_on = models.DateField(_("sent on"))
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("campaign reminder")
        verbose_name_plural = _("campaign reminders")
        ordering = ["-sent_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["response", "kind"], name="monitoring_reminder_once_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.response_id} {self.kind} {ddmmyyyy(self.sent_on)}"


def index_indicator() -> Indicator:
    """The index's own indicator (code INDEX_CODE), created the first time it is needed."""
    indicator, _created = Indicator.objects.get_or_create(
        code=INDEX_CODE,
        defaults={
            "name": INDEX_NAME,
            "definition": "Взвешенная сумма нормированных показателей, 0–100 баллов.",
            "unit": "балл",
            "position": 0,
        },
    )
    return indicator
