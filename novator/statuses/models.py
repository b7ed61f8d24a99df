"""Innovation statuses (МИП, МЛСВ, КИП …) and the register of who holds which, for what term."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from novator.core.models import TimeStampedModel
from novator.organizations.models import Organization

from .querysets import StatusAssignmentQuerySet


class StatusLevel(models.TextChoices):
    MUNICIPAL = "municipal", _("Municipal")
    REGIONAL = "regional", _("Regional")
    FEDERAL = "federal", _("Federal")


class StatusState(models.TextChoices):
    """Where a status assignment stands on a day; computed from its dates, never stored."""

    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")
    PENDING = "pending", _("Not started yet")


#: Bootstrap badge classes of the states, for the pages.
STATE_BADGES = {
    StatusState.ACTIVE: "text-bg-success",
    StatusState.EXPIRED: "text-bg-secondary",
    StatusState.REVOKED: "text-bg-danger",
    StatusState.PENDING: "text-bg-info",
}


class StatusKind(models.Model):
    """A kind of innovation status: МИП, МЛСВ, КИП, or one the operator adds."""

    code = models.CharField(
        _("code"),
        max_length=20,
        unique=True,
        validators=[RegexValidator(r"^[A-Z][A-Z0-9_]*$", _("Latin capitals, digits and _ only, e.g. MIP."))],
        help_text=_("Latin code used by the API, e.g. MIP, MLSV, KIP."),
    )
    abbreviation = models.CharField(_("abbreviation"), max_length=20, help_text=_("e.g. МИП"))
    name = models.CharField(_("name"), max_length=255)
    level = models.CharField(_("level"), max_length=20, choices=StatusLevel.choices)
    description = models.TextField(_("description"), blank=True)
    default_term_years = models.PositiveSmallIntegerField(
        _("default term, years"), default=3, validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("status kind")
        verbose_name_plural = _("status kinds")
        ordering = ["level", "abbreviation"]

    def __str__(self) -> str:
        return self.abbreviation


class StatusAssignment(TimeStampedModel):
    """An organisation holds a status from `starts_on` to `ends_on` by an order of the authority.

    A status expires by itself: whether it is in force is a question of dates, never of a cron job.
    """

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="status_assignments",
    )
    kind = models.ForeignKey(
        StatusKind, verbose_name=_("status"), on_delete=models.PROTECT, related_name="assignments"
    )
    project_title = models.CharField(_("innovation project"), max_length=500, blank=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    order_number = models.CharField(_("order number"), max_length=50, blank=True)
    order_date = models.DateField(_("order date"), null=True, blank=True)
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revocation_grounds = models.TextField(_("grounds for revocation"), blank=True)
    is_demo = models.BooleanField(default=False, editable=False)

    objects = StatusAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("status assignment")
        verbose_name_plural = _("register of statuses")
        ordering = ["-starts_on", "organization__short_name", "id"]
        indexes = [
            models.Index(fields=["kind", "ends_on"]),
            models.Index(fields=["organization", "ends_on"]),
            # the register's default order (newest first): a page is read from the index, only the ties
            # of a day are sorted, instead of sorting every assignment joined with its organisation
            models.Index(fields=["-starts_on", "-id"], name="status_register_start_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="status_term_ordered",
                violation_error_message=_("The term must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True) | ~Q(revocation_grounds=""),
                name="status_revocation_has_grounds",
                violation_error_message=_("A revocation needs its grounds."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} — {self.organization}"

    def get_absolute_url(self) -> str:
        return reverse("statuses:detail", args=[self.pk])

    def state_on(self, day: datetime.date | None = None) -> str:
        day = day or timezone.localdate()
        if self.revoked_on and self.revoked_on <= day:
            return StatusState.REVOKED.value
        if day < self.starts_on:
            return StatusState.PENDING.value
        if day > self.ends_on:
            return StatusState.EXPIRED.value
        return StatusState.ACTIVE.value

    @property
    def state(self) -> str:
        return self.state_on()

    @property
    def state_label(self) -> str:
        return str(StatusState(self.state).label)

    @property
    def state_badge(self) -> str:
        return STATE_BADGES[StatusState(self.state)]


class StatusEvent(models.Model):
    """Extension or revocation of a status, with the order and the grounds (the audit log has the rest)."""

    class Kind(models.TextChoices):
        AWARD = "award", _("Awarded")
        EXTEND = "extend", _("Extended")
        REVOKE = "revoke", _("Revoked")

    assignment = models.ForeignKey(StatusAssignment, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=10, choices=Kind.choices)
    on = models.DateField(_("date"))
    previous_ends_on = models.DateField(_("previous end"), null=True, blank=True)
    new_ends_on = models.DateField(_("new end"), null=True, blank=True)
    order_number = models.CharField(_("order number"), max_length=50, blank=True)
    order_date = models.DateField(_("order date"), null=True, blank=True)
    grounds = models.TextField(_("grounds"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("status event")
        verbose_name_plural = _("status events")
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on:%d.%m.%Y}"
