"""Messages of an application's thread and their files."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..models import Application


class MessageSide(models.TextChoices):
    ORGANISER = "organiser", _("Organiser")
    APPLICANT = "applicant", _("Applicant")


class ApplicationMessage(models.Model):
    #: the activity log names it by reference: its author is a person
    audit_by_reference = True

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    side = models.CharField(_("side"), max_length=10, choices=MessageSide.choices)
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("sent"), db_index=True)

    class Meta:
        verbose_name = _("message on an application")
        verbose_name_plural = _("messages on applications")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.created_at:%d.%m.%Y %H:%M}"


class MessageFile(models.Model):
    message = models.ForeignKey(ApplicationMessage, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="contests/messages/%Y/%m/", max_length=255)
    original_name = models.CharField(max_length=255)
    file_type = models.CharField(max_length=10)
    size = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("file of a message")
        verbose_name_plural = _("files of messages")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name
