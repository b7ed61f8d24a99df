"""E-mails of events, through `novator.notifications.services.notify` (sent after the transaction
commits): a place from the waitlist, and the reminder the day before the event."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from novator.core.dates import local_moment
from novator.notifications.services import notify

from .models import Registration


def _recipients(registration: Registration) -> list[Any]:
    """The participant's account and whoever registered them (a coordinator), each once."""
    users: list[Any] = []
    for user in (registration.person.user, registration.registered_by):
        if user is not None and getattr(user, "is_active", True) and user not in users:
            users.append(user)
    return users


def _when(registration: Registration) -> str:
    event = registration.event
    return local_moment(event.starts_at)


def _where(registration: Registration) -> str:
    event = registration.event
    return ", ".join(x for x in (event.place, event.link) if x)


def waitlist_promoted(registration: Registration) -> None:
    event = registration.event
    subject = _("A place for you: %(event)s") % {"event": event.title[:150]}
    body = _(
        "A place has become free and %(person)s is now registered for «%(event)s».\n"
        "When: %(when)s (Moscow time)\nWhere: %(where)s\n"
        "If you cannot come, please cancel the registration so that the next person gets the place.\n"
    ) % {
        "person": registration.person,
        "event": event.title,
        "when": _when(registration),
        "where": _where(registration),
    }
    notify(
        _recipients(registration),
        kind="events.waitlist_promoted",
        subject=subject,
        body=body,
        url=reverse("events:detail", args=[event.pk]),
    )


def event_reminder(registration: Registration, *, base_url: str = "") -> None:
    event = registration.event
    subject = _("Tomorrow: %(event)s") % {"event": event.title[:150]}
    body = _(
        "A reminder: %(person)s is registered for «%(event)s».\n"
        "When: %(when)s (Moscow time)\nWhere: %(where)s\n"
        "The ticket with the QR code for the entrance is on the event's page.\n"
    ) % {
        "person": registration.person,
        "event": event.title,
        "when": _when(registration),
        "where": _where(registration),
    }
    notify(
        _recipients(registration),
        kind="events.reminder",
        subject=subject,
        body=body,
        url=base_url.rstrip("/") + reverse("events:ticket", args=[registration.pk]),
    )
