"""iCalendar (RFC 5545) by hand: CRLF line endings, lines folded at 75 octets, TEXT values escaped,
times in UTC (the `Z` form), a stable UID per event and a DTSTAMP."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone

from .models import Event

PRODID = "-//Novator//Events//RU"


def escape(value: str) -> str:
    """TEXT escaping (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Split a content line into pieces of at most 75 octets, never inside a UTF-8 character;
    continuation lines start with one space (which counts towards their 75)."""
    out: list[str] = []
    current = ""
    size = 0
    limit = 75
    for char in line:
        n = len(char.encode("utf-8"))
        if size + n > limit:
            out.append(current)
            current, size, limit = " ", 1, 75
        current += char
        size += n
    out.append(current)
    return "\r\n".join(out)


def _utc(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _vevent(event: Event, base_url: str, stamp: str, domain: str) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:event-{event.pk}@{domain}",
        f"DTSTAMP:{stamp}",
        f"DTSTART:{_utc(event.starts_at)}",
        f"DTEND:{_utc(event.ends_at)}",
        f"SUMMARY:{escape(event.title)}",
    ]
    description = event.description
    if event.link:
        description = f"{description}\n{event.link}".strip()
    if description:
        lines.append(f"DESCRIPTION:{escape(description)}")
    if event.place or event.link:
        lines.append(f"LOCATION:{escape(event.place or event.link)}")
    lines.append(f"URL:{base_url}{event.get_absolute_url()}")
    lines.append("END:VEVENT")
    return lines


def calendar(events: Iterable[Event], *, base_url: str, domain: str, name: str = "") -> bytes:
    stamp = _utc(timezone.now())
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    if name:
        lines.append(f"X-WR-CALNAME:{escape(name)}")
    for event in events:
        lines.extend(_vevent(event, base_url, stamp, domain))
    lines.append("END:VCALENDAR")
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode("utf-8")
