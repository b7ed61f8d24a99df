from __future__ import annotations

import datetime
import zoneinfo

import icalendar
from django.urls import reverse

from novator.events import ical

from .factories import EventFactory

BASE = {"base_url": "https://novator.example", "domain": "novator.example"}


def parsed(body: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(body)


def test_long_lines_are_folded_within_75_octets_never_inside_a_character_and_read_back(event):
    event.title = "Инновационная деятельность; в системе, образования " * 5
    body = ical.calendar([event], **BASE)
    lines = body.split(b"\r\n")
    assert any(line.startswith(b" ") for line in lines)
    assert all(len(line) <= 75 for line in lines)
    for line in lines:
        line.decode("utf-8")  # no line ends inside a character
    (vevent,) = parsed(body).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == event.title


def test_text_is_escaped_and_read_back(event):
    event.title = "Конференция «Образование», итоги; планы \\ ещё"
    event.description = "Первая строка\nвторая"
    event.link = ""
    event.place = "Краснодар, ул. Красная; зал 1"
    body = ical.calendar([event], **BASE, name="Мероприятия; план, 2026")
    unfolded = body.decode().replace("\r\n ", "")
    assert "SUMMARY:Конференция «Образование»\\, итоги\\; планы \\\\ ещё" in unfolded
    assert "DESCRIPTION:Первая строка\\nвторая" in unfolded
    assert "X-WR-CALNAME:Мероприятия\\; план\\, 2026" in unfolded
    (vevent,) = parsed(body).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == event.title
    assert str(vevent["DESCRIPTION"]) == event.description
    assert str(vevent["LOCATION"]) == event.place


def test_times_are_utc_and_read_back_as_the_same_instants(event):
    moscow = zoneinfo.ZoneInfo("Europe/Moscow")
    event.starts_at = datetime.datetime(2026, 3, 10, 10, 0, tzinfo=moscow)
    event.ends_at = datetime.datetime(2026, 3, 10, 23, 30, tzinfo=moscow)  # 20:30 UTC
    body = ical.calendar([event], **BASE)
    assert b"DTSTART:20260310T070000Z\r\n" in body
    assert b"DTEND:20260310T203000Z\r\n" in body
    (vevent,) = parsed(body).walk("VEVENT")
    assert vevent.decoded("DTSTART") == event.starts_at
    assert vevent.decoded("DTEND") == event.ends_at
    assert vevent.decoded("DTSTART").utcoffset() == datetime.timedelta(0)
    assert vevent.decoded("DTSTAMP").tzinfo is not None


def test_one_event_ics(client, event):
    event.title = "Конференция «Образование», итоги; планы"
    event.save()
    response = client.get(reverse("events:ics", args=[event.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode("utf-8")
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:")
    assert body.endswith("END:VCALENDAR\r\n")
    assert "\n" not in body.replace("\r\n", "")
    unfolded = body.replace("\r\n ", "")
    assert f"UID:event-{event.pk}@" in unfolded
    assert "DTSTAMP:" in unfolded
    start = event.starts_at.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{start}" in unfolded
    assert "SUMMARY:Конференция «Образование»\\, итоги\\; планы" in unfolded
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    (vevent,) = parsed(response.content).walk("VEVENT")
    assert str(vevent["UID"]) == f"event-{event.pk}@testserver"
    assert str(vevent["URL"]).endswith(event.get_absolute_url())


def test_feed_is_filtered(client, org_a):
    EventFactory(organizers=[org_a], title="Вебинар для завучей", kind="webinar")
    EventFactory(organizers=[org_a], title="Мастер-класс", kind="master_class")
    body = client.get(reverse("events:feed"), {"kind": "webinar"}).content.decode()
    assert body.count("BEGIN:VEVENT") == 1
    assert "Вебинар для завучей" in body
