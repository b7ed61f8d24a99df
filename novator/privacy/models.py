"""The log of who read personal data (152-ФЗ). Who changed it is in the activity log (novator.core.audit)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from novator.core.dates import MOMENT


class AccessKind(models.TextChoices):
    VIEW = "view", _("Viewed")
    API = "api", _("Read through the API")
    EXPORT = "export", _("Exported")
    ERASE = "erase", _("Erased")


class PersonalDataAccess(models.Model):
    person = models.ForeignKey(
        "organizations.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="data_accesses",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("what"), max_length=10, choices=AccessKind.choices)
    path = models.CharField(_("page"), max_length=300, blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("access to personal data")
        verbose_name_plural = _("accesses to personal data")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["person", "-at"])]

    def __str__(self) -> str:
        return f"{date_format(self.at, MOMENT)} {self.get_kind_display()} {self.person_id}"


class ConsentKind(models.TextChoices):
    PROCESSING = "processing", _("consent to processing")
    # 152-ФЗ ст. 10.1: publication is distribution to an unlimited number of people, a separate consent
    DISTRIBUTION = "distribution", _("consent to distribution (publication)")


class ConsentScan(models.Model):
    """A scan of a consent signed by the person. Private: served only to those who may see their data.

    Stored under a name made of the person's number and the kind, never under the uploaded file's name
    (which often carries the person's name).
    """

    person = models.ForeignKey(
        "organizations.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="consent_scans",
    )
    kind = models.CharField(_("consent"), max_length=12, choices=ConsentKind.choices)
    file = models.FileField(_("file"), upload_to="privacy/consents/%Y/", max_length=255)
    file_type = models.CharField(_("file type"), max_length=10)
    size = models.PositiveIntegerField(_("size"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("scan of a consent")
        verbose_name_plural = _("scans of consents")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.person_id}"

    @property
    def download_name(self) -> str:
        return f"consent-{self.person_id}-{self.kind}.{self.file_type}"


class DestructionAct(models.Model):
    """The act of destruction of one person's personal data (акт об уничтожении персональных данных).

    Made at erasure, kept by the operator (Приказ Роскомнадзора от 28.10.2022 № 179: three years). The
    DOCX carries the subject's name, as the form requires; no column of the database does.
    """

    person = models.OneToOneField(
        "organizations.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="destruction_act",
    )
    file = models.FileField(_("file"), upload_to="privacy/acts/%Y/", max_length=255)
    reason = models.TextField(_("reason"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("made"), auto_now_add=True)

    class Meta:
        verbose_name = _("act of destruction of personal data")
        verbose_name_plural = _("acts of destruction of personal data")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"№ {self.pk} ({self.person_id})"

    @property
    def download_name(self) -> str:
        return f"act-{self.pk}-person-{self.person_id}.docx"
