"""The requisites of the bodies that issue documents, stored once and used by every document, and the
registration journal that numbers their outgoing orders per body and year."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from novator.core.models import TimeStampedModel
from novator.core.names import signature_name
from novator.organizations.models import Municipality, Region


class BodyKind(models.TextChoices):
    AUTHORITY = "authority", _("Municipal education authority")
    MINISTRY = "ministry", _("Regional ministry of education")
    IMC = "imc", _("Methodological centre (ИМЦ)")


class Requisites(TimeStampedModel):
    """An organising body's requisites (ГОСТ Р 7.0.97-2016): its name as in the charter, the place of
    issue, the head who signs, and the person who prepares the documents. A municipality's education
    authority and its ИМЦ belong to the municipality; a region's ministry to the region."""

    kind = models.CharField(_("body"), max_length=20, choices=BodyKind.choices)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="requisites",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    full_name = models.CharField(
        _("full name as in the charter"),
        max_length=500,
        help_text=_(
            "E.g. «УПРАВЛЕНИЕ ОБРАЗОВАНИЯ АДМИНИСТРАЦИИ МУНИЦИПАЛЬНОГО ОБРАЗОВАНИЯ ВЫСЕЛКОВСКИЙ РАЙОН»."
        ),
    )
    short_name = models.CharField(_("short name"), max_length=255)
    place = models.CharField(
        _("place of issue"), max_length=200, help_text=_("As printed under the title, e.g. «ст-ца Выселки».")
    )
    head_position = models.CharField(
        _("head's position"), max_length=255, help_text=_("E.g. «Начальник управления образования».")
    )
    head_name = models.CharField(_("head's full name"), max_length=255, help_text=_("Фамилия Имя Отчество."))
    preparer_position = models.CharField(_("position of the person who prepares documents"), max_length=255)
    preparer_name = models.CharField(_("person who prepares documents"), max_length=255)
    preparer_phone = models.CharField(_("their phone"), max_length=64)

    class Meta:
        verbose_name = _("requisites")
        verbose_name_plural = _("requisites")
        ordering = ["kind", "municipality__name", "region__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=BodyKind.MINISTRY, region__isnull=False, municipality__isnull=True)
                | (~Q(kind=BodyKind.MINISTRY) & Q(region__isnull=True, municipality__isnull=False)),
                name="requisites_body_territory",
                violation_error_message=_(
                    "A ministry belongs to a region; an authority or ИМЦ to a municipality."
                ),
            ),
            models.UniqueConstraint(
                fields=["kind", "municipality"],
                condition=Q(municipality__isnull=False),
                name="requisites_one_per_municipal_body",
            ),
            models.UniqueConstraint(
                fields=["kind", "region"], condition=Q(region__isnull=False), name="requisites_one_per_region"
            ),
        ]

    def __str__(self) -> str:
        return self.short_name or self.full_name

    @property
    def territory(self) -> Municipality | Region | None:
        return self.municipality or self.region

    @property
    def head_signature(self) -> str:
        """The head as signed: «И.О. Фамилия»."""
        return signature_name(self.head_name)


class OrderPurpose(models.TextChoices):
    ANNOUNCEMENT = "announcement", _("Announcing a contest (approves its regulation)")
    RESULTS = "results", _("Results of a contest")
    OTHER = "other", _("Other")


class OutgoingOrder(models.Model):
    """The registration journal of a body's orders: numbers run 1, 2, … per body and calendar year and
    never repeat (the unique constraint; the numbering service locks the body's row)."""

    requisites = models.ForeignKey(
        Requisites, verbose_name=_("body"), on_delete=models.PROTECT, related_name="orders"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=500)
    purpose = models.CharField(
        _("purpose"), max_length=20, choices=OrderPurpose.choices, default=OrderPurpose.OTHER
    )
    # what the order is about (a contest …), so that a later document cites it
    subject_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("registered order")
        verbose_name_plural = _("registration journal of orders")
        ordering = ["requisites", "-year", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["requisites", "year", "number"], name="outgoing_order_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y} № {self.number}"


class TemplateKind(models.TextChoices):
    """The documents built from DOCX templates that an office may replace with its own wording."""

    ANNOUNCEMENT = "announcement", _("Order announcing a contest")
    MINUTES = "minutes", _("Minutes of the expert commission")
    ORDER = "order", _("Results order (status award)")
    CONCLUSION = "conclusion", _("Expert sheet and expert conclusion")


class OfficeTemplate(models.Model):
    """An office's own version of a document's DOCX template (its wording edited in Word, the placeholders
    kept). Every upload is a new version; the active one is used to build the municipality's documents, and
    restoring the default deactivates them all (the versions are kept)."""

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("document"), max_length=20, choices=TemplateKind.choices)
    version = models.PositiveIntegerField(_("version"))
    file = models.FileField(upload_to="documents/templates/%Y/")
    original_name = models.CharField(max_length=255)
    is_active = models.BooleanField(_("in use"), default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("office template")
        verbose_name_plural = _("office templates")
        ordering = ["municipality", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "kind", "version"], name="office_template_unique_version"
            ),
            models.UniqueConstraint(
                fields=["municipality", "kind"],
                condition=Q(is_active=True),
                name="office_template_one_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{TemplateKind(self.kind).label} v{self.version}"
