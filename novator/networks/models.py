"""Networks of a leader organisation (usually an МЛСВ holder) and its partners: partnership with
confirmation, the agreement, and the annual plan of events by academic year."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from novator.core.academic_year import AcademicYear
from novator.core.models import TimeStampedModel
from novator.events.models import Event
from novator.organizations.models import Organization
from novator.statuses.models import StatusAssignment


class NetworkQuerySet(models.QuerySet["Network"]):
    def visible_to(self, user: object) -> NetworkQuerySet:
        """Networks are public: their leaders, partners and plans are what the infrastructure shows."""
        return self

    def managed_by(self, user: object) -> NetworkQuerySet:
        from novator.accounts.scope import get_scope

        scope = get_scope(user)
        if scope.is_admin:
            return self
        return self.filter(
            Q(leader__in=scope.coordinator_organizations)
            | Q(leader__municipality__in=scope.methodologist_municipalities)
        )

    def concerning(self, municipalities: frozenset[int]) -> NetworkQuerySet:
        """The networks led from the municipalities or with a partner there (a network across the border
        concerns the partner's district too)."""
        partnered = Partnership.objects.filter(organization__municipality__in=municipalities).values(
            "network_id"
        )
        return self.filter(Q(leader__municipality__in=municipalities) | Q(pk__in=partnered))


class Network(TimeStampedModel):
    topic = models.CharField(_("topic"), max_length=500)
    leader = models.ForeignKey(
        Organization,
        verbose_name=_("leader organisation"),
        on_delete=models.PROTECT,
        related_name="led_networks",
    )
    leader_status = models.ForeignKey(
        StatusAssignment,
        verbose_name=_("leader's status"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="networks",
    )
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    objects = NetworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        ordering = ["topic", "pk"]

    def __str__(self) -> str:
        return self.topic

    def get_absolute_url(self) -> str:
        return reverse("networks:detail", args=[self.pk])


class PartnerState(models.TextChoices):
    INVITED = "invited", _("invited")
    CONFIRMED = "confirmed", _("confirmed")
    DECLINED = "declined", _("declined")


class Partnership(TimeStampedModel):
    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="partnerships"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("partner organisation"),
        on_delete=models.PROTECT,
        related_name="partnerships",
    )
    state = models.CharField(
        _("state"), max_length=20, choices=PartnerState.choices, default=PartnerState.INVITED
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    #: the agreement in force that the partner signed by confirming (the network's side signed it first)
    agreement = models.ForeignKey(
        "Agreement",
        verbose_name=_("agreement accepted"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="acceptances",
    )

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        ordering = ["organization__short_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["network", "organization"], name="partner_once_per_network")
        ]

    def __str__(self) -> str:
        return f"{self.organization} — {self.network}"


class Agreement(TimeStampedModel):
    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="agreements"
    )
    number = models.CharField(_("number"), max_length=50)
    signed_on = models.DateField(_("signed on"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    file = models.FileField(_("file"), upload_to="networks/%Y/", max_length=255, blank=True)
    file_type = models.CharField(_("file type"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-signed_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__gte=F("valid_from")), name="agreement_term_order")
        ]

    def __str__(self) -> str:
        return f"№ {self.number}"


class PlanItem(TimeStampedModel):
    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="plan_items"
    )
    academic_year = models.PositiveIntegerField(
        _("academic year"), help_text=_("The year it starts, e.g. 2023.")
    )
    title = models.CharField(_("title"), max_length=500)
    planned_on = models.DateField(_("planned for"))
    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plan_items",
    )

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["academic_year", "planned_on", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def year_label(self) -> str:
        return str(AcademicYear(self.academic_year))
