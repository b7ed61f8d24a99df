"""Who a methodologist's group mail to an event's registrants reaches.

Registered with `notifications.mailing` in `apps.ready`, so that notifications never imports this app."""

from __future__ import annotations

from typing import Any

from novator.notifications.mailing import GroupKind, Recipient, model_loader


def event_recipients(event: Any) -> list[Recipient]:
    from novator.events.models import RegistrationStatus

    result: list[Recipient] = []
    seen: set[Any] = set()
    registrations = (
        event.registrations.filter(status__in=(RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED))
        .select_related("person__user")
        .order_by("pk")
    )
    for registration in registrations:
        person = registration.person
        user = person.user if person.user_id and person.user.is_active else None
        target: Any = user or (person.email or "").strip().lower()
        key = ("user", user.pk) if user else ("email", target)
        if not target or key in seen:
            continue
        seen.add(key)
        result.append(Recipient(str(person), target))
    return result


GROUP = GroupKind(
    "event",
    model_loader("events.Event"),
    "events.manage_event",
    lambda e: e.title,
    event_recipients,
)
