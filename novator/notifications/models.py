"""In-app notifications and each user's choice of e-mails."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import kinds


class NotificationQuerySet(models.QuerySet["Notification"]):
    def for_user(self, user: Any) -> NotificationQuerySet:
        return self.filter(user=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=64)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]

    def __str__(self) -> str:
        return self.subject

    @property
    def kind_label(self) -> str:
        return kinds.label_for(self.kind)

    @property
    def kind_group(self) -> str:
        return kinds.group_for(self.kind)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """Whether a user wants e-mail for one kind of notification (no row: yes)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("kind"), max_length=64)
    email = models.BooleanField(_("send e-mail"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_user_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} ({'e-mail' if self.email else 'in-app only'})"


class OutgoingEmail(models.Model):
    """One e-mail on its way out: every message the project sends is queued here by
    ``notifications.mail.QueuedEmailBackend`` and sent by the task worker, with retries.

    The message itself (``message``) is kept only until it is sent: a sent row keeps the subject, the
    recipients and the times, not the text (which may hold a password-reset link)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    created = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.QUEUED)
    subject = models.CharField(_("subject"), max_length=300)
    recipients = models.TextField(_("recipients"))
    message = models.JSONField(_("message"), default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mail")
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["state", "created"], name="outgoing_email_state")]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipients}"


class EmailTemplate(models.Model):
    """The e-mail of one kind of notification as an administrator wrote it (`templating.py`); a kind
    without one uses the default text."""

    kind = models.CharField(_("kind"), max_length=64, unique=True)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("e-mail template")
        verbose_name_plural = _("e-mail templates")
        ordering = ["kind"]

    def __str__(self) -> str:
        return self.kind


class GroupMailing(models.Model):
    """A message a methodologist sent to everyone of a group (a contest's applicants, an event's
    registrants, a network's partners), delivered by a background job (`mailing.py`)."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    group_kind = models.CharField(_("kind of group"), max_length=20)
    group_id = models.PositiveIntegerField(_("group"))
    group_title = models.CharField(_("group"), max_length=300)
    subject = models.CharField(_("subject"), max_length=200)
    text = models.TextField(_("text"))
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    #: how many of the recipients (in their stable order) the job has notified: a resumed job goes on
    delivered = models.PositiveIntegerField(_("delivered"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    job = models.ForeignKey(
        "core.Job", verbose_name=_("job"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("group mailing")
        verbose_name_plural = _("group mailings")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["group_kind", "group_id"])]

    def __str__(self) -> str:
        return f"{self.group_title}: {self.subject}"
