"""Writes of an application's thread: a message with its files, which notifies the other side."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from novator.core import audit
from novator.core.files import DOCUMENT_TYPES, check_uploads, store_uploads
from novator.core.services import require, user_or_none
from novator.core.text import clean_text
from novator.notifications.services import notify

from ..models import Application, ApplicationState, ContestState
from ..notifications import application_recipients, organiser_recipients
from .models import ApplicationMessage, MessageFile, MessageSide

MAX_FILES = 5
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_TEXT = 10_000
KIND = "contests.message"
#: the states of an application in which its thread is closed
CLOSED_STATES = frozenset({ApplicationState.WITHDRAWN, ApplicationState.REJECTED})


def thread_closed_reason(application: Application) -> str | None:
    """Why no message can be written on the application now (None: the thread is open)."""
    if application.state in CLOSED_STATES:
        return _("The application is closed (%(state)s): no more messages can be sent on it.") % {
            "state": application.get_state_display()
        }
    if application.contest.state in (ContestState.PUBLISHED,):
        return _(
            "The contest's results are published: the thread is closed; an appeal against the result is "
            "filed from the application's page."
        )
    return None


def application_message_send(
    *,
    actor: Any,
    application: Application,
    text: str,
    uploads: Iterable[Any] = (),
    now: datetime.datetime | None = None,
) -> ApplicationMessage:
    """A message from the organisers or from the applicant's coordinator, with files checked by their
    content; the other side is notified. A closed application gets a message and nothing changes."""
    with transaction.atomic():
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("contest", "organization")
            .get(pk=application.pk)
        )
        require(actor, "contests.message_application", application)
        closed = thread_closed_reason(application)
        if closed:
            raise ValidationError(closed, code="closed")
        side = (
            MessageSide.ORGANISER
            if actor is None or actor.has_perm("contests.manage_contest", application)
            else MessageSide.APPLICANT
        )
        errors: dict[str, list[str]] = {}
        text = clean_text(text, MAX_TEXT + 1)
        if not text:
            errors["text"] = [_("Write the message.")]
        elif len(text) > MAX_TEXT:
            errors["text"] = [_("A message is at most %(n)d characters.") % {"n": MAX_TEXT}]
        files, kinds = check_uploads(
            uploads, max_files=MAX_FILES, allowed=DOCUMENT_TYPES, max_bytes=MAX_FILE_BYTES, errors=errors
        )
        if errors:
            raise ValidationError(errors)
        message = ApplicationMessage.objects.create(
            application=application,
            author=user_or_none(actor),
            side=side,
            text=text,
            created_at=now or timezone.now(),
        )
        store_uploads(MessageFile, files, kinds, message=message)
        audit.record(
            actor=actor,
            action="application.message",
            obj=application,
            changes={"message": [None, message.pk], "side": [None, side], "files": [None, len(files)]},
        )
        contest = application.contest
        recipients = (
            application_recipients(application)
            if side == MessageSide.ORGANISER
            else organiser_recipients(contest)
        )
        notify(
            [r for r in recipients if r != actor],
            kind=KIND,
            subject=_("New message on application %(app)s: %(contest)s")
            % {"app": application, "contest": contest},
            body=text,
            url=reverse("contests:application_detail", args=[application.pk]) + "#thread",
        )
    return message
