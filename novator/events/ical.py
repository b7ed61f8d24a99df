"""iCalendar (RFC 5545) of events, written by the `icalendar` package: it folds lines at 75 octets
(never inside a UTF-8 character), escapes TEXT values and ends lines with CRLF. Times are given in UTC
(the `Z` form, which every calendar reads without a VTIMEZONE), each event has a stable UID and the
feed's DTSTAMP."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

import icalendar
from django.utils import timezone

from .models import Event

PRODID = "-//Novator//Events//RU"


def _vevent(event: Event, base_url: str, stamp: datetime.datetime, domain: str) -> icalendar.Event:
    vevent = icalendar.Event()
    vevent.add("uid", f"event-{event.pk}@{domain}")
    vevent.add("dtstamp", stamp)
    vevent.add("dtstart", event.starts_at.astimezone(datetime.UTC))
    vevent.add("dtend", event.ends_at.astimezone(datetime.UTC))
    vevent.add("summary", event.title)
    description = event.description
    if event.link:
        description = f"{description}\n{event.link}".strip()
    if description:
        vevent.add("description", description)
    if event.place or event.link:
        vevent.add("location", event.place or event.link)
    vevent.add("url", f"{base_url}{event.get_absolute_url()}")
    return vevent


def calendar(events: Iterable[Event], *, base_url: str, domain: str, name: str = "") -> bytes:
    stamp = timezone.now().astimezone(datetime.UTC).replace(microsecond=0)
    cal = icalendar.Calendar()
    cal.add("version", "2.0")
    cal.add("prodid", PRODID)
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    if name:
        cal.add("x-wr-calname", icalendar.vText(name))  # an X- property is not TEXT by default
    for event in events:
        cal.add_component(_vevent(event, base_url, stamp, domain))
    return cal.to_ical()
