"""The one way out for e-mail.

``EMAIL_BACKEND`` is ``QueuedEmailBackend``: whoever sends a message (``notify``, Django's password reset,
the admin) only writes an ``OutgoingEmail`` row; after the transaction commits, ``send_email_task`` (the
task worker) hands it to the real backend, ``NOVATOR_EMAIL_DELIVERY_BACKEND`` (SMTP from ``EMAIL_URL``
in production, ``EmlFileBackend`` under ``make run``). A failed attempt is retried after each delay of
``NOVATOR_EMAIL_RETRY_DELAYS``; after the last one the row is marked failed, the failure is logged and
the administrators get an in-app notification (the rows are listed in the admin, where a failed message
can be sent again).
"""

from __future__ import annotations

import base64
import datetime
import logging
import uuid
from collections.abc import Sequence
from email.mime.base import MIMEBase
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import OutgoingEmail

logger = logging.getLogger(__name__)

DEFAULT_RETRY_DELAYS = (60, 300, 1800, 7200)
MAIL_FAILED_KIND = "notifications.mail_failed"


# --- the message as JSON (what the queue row keeps until it is sent) -----------------------------------


def serialise(message: EmailMessage) -> dict[str, Any]:
    attachments = []
    for attachment in message.attachments:
        if isinstance(attachment, MIMEBase):
            filename = attachment.get_filename() or "attachment"
            payload = attachment.get_payload(decode=True)
            content = payload if isinstance(payload, bytes) else str(payload or "").encode()
            mimetype = attachment.get_content_type()
        else:
            filename, raw, mimetype = attachment
            content = raw.encode() if isinstance(raw, str) else bytes(raw)
        attachments.append(
            {
                "filename": str(filename or ""),
                "content": base64.b64encode(content).decode("ascii"),
                "mimetype": mimetype or "application/octet-stream",
            }
        )
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": str(message.from_email or settings.DEFAULT_FROM_EMAIL),
        "to": [str(a) for a in message.to],
        "cc": [str(a) for a in message.cc],
        "bcc": [str(a) for a in message.bcc],
        "reply_to": [str(a) for a in message.reply_to],
        "headers": {str(k): str(v) for k, v in message.extra_headers.items()},
        "content_subtype": message.content_subtype,
        "alternatives": [[str(a[0]), str(a[1])] for a in getattr(message, "alternatives", [])],
        "attachments": attachments,
    }


def deserialise(data: dict[str, Any], connection: Any = None) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data["cc"],
        bcc=data["bcc"],
        reply_to=data["reply_to"],
        headers=data["headers"],
        connection=connection,
    )
    message.content_subtype = data.get("content_subtype", "plain")
    for content, mimetype in data.get("alternatives", []):
        message.attach_alternative(content, mimetype)
    for attachment in data.get("attachments", []):
        content = base64.b64decode(attachment["content"])
        message.attach(attachment["filename"] or None, content, attachment["mimetype"])
    return message


# --- backends ----------------------------------------------------------------------------------------


class QueuedEmailBackend(BaseEmailBackend):
    """Queue each message (a row) and send it from the task worker once the transaction commits."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        reply_to = list(getattr(settings, "NOVATOR_EMAIL_REPLY_TO", []))
        queued = 0
        for message in email_messages:
            if not message.recipients():
                continue
            if reply_to and not message.reply_to:
                message.reply_to = reply_to
            row = OutgoingEmail.objects.create(
                subject=" ".join(str(message.subject).split())[:300],
                recipients=", ".join(str(a) for a in message.recipients()),
                message=serialise(message),
            )
            transaction.on_commit(partial(_enqueue, row.pk))
            queued += 1
        return queued


class EmlFileBackend(BaseEmailBackend):
    """Writes each message to its own ``.eml`` file in ``EMAIL_FILE_PATH`` (``var/mail/`` under
    ``make run``), to be opened with any mail program."""

    def __init__(self, *args: Any, file_path: str | Path | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.file_path = Path(file_path or settings.EMAIL_FILE_PATH)

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        written = 0
        try:
            self.file_path.mkdir(parents=True, exist_ok=True)
            for message in email_messages:
                if not message.recipients():
                    continue
                name = f"{timezone.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:12]}.eml"
                partial = self.file_path / f".{name}.part"
                partial.write_bytes(message.message().as_bytes(linesep="\r\n"))
                partial.replace(self.file_path / name)  # readers never see half a message
                written += 1
        except OSError:
            if not self.fail_silently:
                raise
        return written


# --- sending -----------------------------------------------------------------------------------------


def _enqueue(pk: int, *, run_after: datetime.datetime | None = None) -> None:
    from .tasks import send_email_task

    task = send_email_task
    if run_after is not None and task.get_backend().supports_defer:
        task = task.using(run_after=run_after)
    task.enqueue(pk)


def retry_delays() -> tuple[int, ...]:
    return tuple(getattr(settings, "NOVATOR_EMAIL_RETRY_DELAYS", DEFAULT_RETRY_DELAYS))


def deliver(pk: int) -> str:
    """Send one queued message with the delivery backend; returns the row's state afterwards.

    Safe to run again: a message that is not queued (sent, or failed for good) is left alone."""
    row = OutgoingEmail.objects.filter(pk=pk).first()
    if row is None:
        return "missing"
    if row.state != OutgoingEmail.State.QUEUED:
        return str(row.state)
    now = timezone.now()
    try:
        connection = get_connection(settings.NOVATOR_EMAIL_DELIVERY_BACKEND, fail_silently=False)
        sent = connection.send_messages([deserialise(row.message, connection=connection)])
        if not sent:
            raise RuntimeError("the backend accepted no message")
    except Exception as exc:
        error = f"{exc.__class__.__name__}: {exc}"[:2000]
        attempts = row.attempts + 1
        delays = retry_delays()
        if attempts <= len(delays):
            run_after = now + datetime.timedelta(seconds=delays[attempts - 1])
            OutgoingEmail.objects.filter(pk=pk).update(
                attempts=attempts, last_error=error, next_attempt_at=run_after
            )
            logger.warning(
                "e-mail %s to %s: attempt %d failed (%s), retrying", pk, row.recipients, attempts, error
            )
            _enqueue(pk, run_after=run_after)
            return str(OutgoingEmail.State.QUEUED)
        OutgoingEmail.objects.filter(pk=pk).update(
            attempts=attempts, last_error=error, next_attempt_at=None, state=OutgoingEmail.State.FAILED
        )
        logger.error("e-mail %s to %s failed after %d attempts: %s", pk, row.recipients, attempts, error)
        _tell_administrators(row, error)
        return str(OutgoingEmail.State.FAILED)
    OutgoingEmail.objects.filter(pk=pk, state=OutgoingEmail.State.QUEUED).update(
        state=OutgoingEmail.State.SENT,
        sent_at=now,
        attempts=F("attempts") + 1,
        last_error="",
        next_attempt_at=None,
        message={},
    )
    return str(OutgoingEmail.State.SENT)


def _tell_administrators(row: OutgoingEmail, error: str) -> None:
    """An in-app notification to each administrator who has no unread one about failed mail yet (so an
    outage of the mail server makes one notification, not one per message)."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse
    from django.utils.translation import gettext as _
    from django.utils.translation import override

    from .models import Notification

    admins = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(role_assignments__role="admin"))
        .exclude(
            pk__in=Notification.objects.filter(kind=MAIL_FAILED_KIND, read_at__isnull=True).values("user_id")
        )
        .distinct()
        .values_list("pk", flat=True)
    )
    with override(settings.LANGUAGE_CODE):
        subject = _("E-mail could not be sent")
        body = _(
            "The message “%(subject)s” to %(recipients)s was not sent after %(attempts)d attempts: "
            "%(error)s. The list of outgoing e-mail is in the administration site, "
            "where it can be sent again."
        ) % {
            "subject": row.subject,
            "recipients": row.recipients,
            "attempts": row.attempts + 1,
            "error": error,
        }
    url = reverse("admin:notifications_outgoingemail_changelist") + "?state__exact=failed"
    Notification.objects.bulk_create(
        [
            Notification(user_id=pk, kind=MAIL_FAILED_KIND, subject=subject, body=body, url=url)
            for pk in admins
        ]
    )


def outgoing_email_retry(*, actor: Any, pks: Sequence[int]) -> int:
    """Queue failed messages again (the admin's action); returns how many."""
    from novator.core.audit import record

    with transaction.atomic():
        rows = list(
            OutgoingEmail.objects.select_for_update().filter(pk__in=pks, state=OutgoingEmail.State.FAILED)
        )
        OutgoingEmail.objects.filter(pk__in=[r.pk for r in rows]).update(
            state=OutgoingEmail.State.QUEUED, attempts=0, next_attempt_at=None
        )
        for row in rows:
            record(
                actor=actor, action="outgoing_email.retry", obj=row, changes={"state": ["failed", "queued"]}
            )
            transaction.on_commit(partial(_enqueue, row.pk))
    return len(rows)
