from __future__ import annotations

from django.urls import reverse

from novator.events import ical

from .factories import EventFactory


def test_fold_keeps_lines_within_75_octets_and_never_splits_a_character():
    line = "SUMMARY:" + "Инновационная деятельность; в системе, образования " * 5
    folded = ical.fold(line)
    parts = folded.split("\r\n")
    assert len(parts) > 1
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join([parts[0], *(p[1:] for p in parts[1:])]) == line


def test_escape():
    assert ical.escape("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne"


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
    start = event.starts_at.astimezone(__import__("datetime").UTC).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{start}" in unfolded
    assert "SUMMARY:Конференция «Образование»\\, итоги\\; планы" in unfolded
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


def test_feed_is_filtered(client, org_a):
    EventFactory(organizers=[org_a], title="Вебинар для завучей", kind="webinar")
    EventFactory(organizers=[org_a], title="Мастер-класс", kind="master_class")
    body = client.get(reverse("events:feed"), {"kind": "webinar"}).content.decode()
    assert body.count("BEGIN:VEVENT") == 1
    assert "Вебинар для завучей" in body
