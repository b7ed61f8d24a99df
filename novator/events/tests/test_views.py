from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from novator.events import checkin
from novator.events.models import Certificate, Registration, RegistrationStatus
from novator.organizations.tests.factories import OrganizationFactory

from .factories import EventFactory, RegistrationFactory, TalkFactory


def test_event_list_escapes_and_pins_queries(client, org_a, django_assert_max_num_queries):
    EventFactory(organizers=[org_a], title="<script>alert(1)</script>")
    for _ in range(5):
        EventFactory(organizers=[org_a, OrganizationFactory()])
    with django_assert_max_num_queries(6):
        response = client.get(reverse("events:list"))
    html = response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert html.count('href="/events/') >= 6


def test_event_list_filters_and_bad_dates(client, org_a):
    EventFactory(organizers=[org_a], title="Вебинар А", kind="webinar")
    EventFactory(organizers=[org_a], title="Семинар Б")
    html = client.get(reverse("events:list"), {"kind": "webinar"}).content.decode()
    assert "Вебинар А" in html and "Семинар Б" not in html
    response = client.get(reverse("events:list"), {"date_from": "2025-05-10", "date_to": "2025-05-01"})
    assert response.status_code == 200
    assert response.context["form"].errors["date_to"]
    assert client.get(reverse("events:list"), {"date_from": "not-a-date"}).status_code == 200


def test_calendar_places_events_and_pins_queries(client, org_a, django_assert_max_num_queries):
    tz = timezone.get_current_timezone()
    for day in (3, 3, 17, 28):
        EventFactory(
            organizers=[org_a],
            title=f"Событие {day}",
            starts_at=datetime.datetime(2024, 3, day, 10, tzinfo=tz),
            ends_at=datetime.datetime(2024, 3, day, 12, tzinfo=tz),
        )
    with django_assert_max_num_queries(5):
        response = client.get(reverse("events:calendar"), {"month": "2024-03"})
    weeks = response.context["weeks"]
    cells = {c["day"]: c for w in weeks for c in w}
    assert len(cells[datetime.date(2024, 3, 3)]["events"]) == 2
    assert len(cells[datetime.date(2024, 3, 17)]["events"]) == 1
    assert weeks[0][0]["day"].weekday() == 0
    assert client.get(reverse("events:calendar"), {"month": "2024-13"}).status_code == 200


def test_event_page_pins_queries(client, event, org_a, django_assert_max_num_queries):
    from novator.organizations.tests.factories import PersonFactory

    for _ in range(4):
        TalkFactory(section__event=event, speakers=PersonFactory.create_batch(2, organization=org_a))
    with django_assert_max_num_queries(10):
        response = client.get(event.get_absolute_url())
    assert response.status_code == 200
    assert "Доклад" in response.content.decode()


def test_unpublished_event_is_hidden_from_public(client, org_a, coordinator):
    event = EventFactory(organizers=[org_a], is_published=False)
    assert client.get(event.get_absolute_url()).status_code == 404
    client.force_login(coordinator)
    assert client.get(event.get_absolute_url()).status_code == 200


def test_teacher_registers_and_cancels(client, event, teacher, teacher_person):
    client.force_login(teacher)
    response = client.post(reverse("events:register", args=[event.pk]), {"person": teacher_person.pk})
    assert response.status_code == 302
    reg = Registration.objects.get()
    assert reg.status == RegistrationStatus.REGISTERED
    page = client.get(event.get_absolute_url()).content.decode()
    assert reverse("events:ticket", args=[reg.pk]) in page
    client.post(reverse("events:cancel", args=[reg.pk]))
    assert Registration.objects.get().status == RegistrationStatus.CANCELLED


def test_teacher_cannot_pick_a_colleague(client, event, teacher, staff):
    client.force_login(teacher)
    response = client.post(reverse("events:register", args=[event.pk]), {"person": staff[0].pk})
    assert response.status_code == 200
    assert response.context["form"].errors["person"]
    assert not Registration.objects.exists()


def test_closed_registration_shows_message(client, org_a, coordinator, staff):
    event = EventFactory(organizers=[org_a], closed=True)
    client.force_login(coordinator)
    response = client.post(reverse("events:register", args=[event.pk]), {"person": staff[0].pk}, follow=True)
    assert (
        "Регистрация закрыта" in response.content.decode()
        or "Registration is closed" in response.content.decode()
    )
    assert not Registration.objects.exists()


def test_anonymous_cannot_register(client, event, staff):
    response = client.post(reverse("events:register", args=[event.pk]), {"person": staff[0].pk})
    assert response.status_code == 302 and "login" in response["Location"]
    assert not Registration.objects.exists()


def test_ticket_shows_qr_of_signed_checkin_url(client, event, teacher, teacher_person):
    reg = RegistrationFactory(event=event, person=teacher_person)
    client.force_login(teacher)
    html = client.get(reverse("events:ticket", args=[reg.pk])).content.decode()
    assert "<svg" in html
    # the signed token carries the second it was made: read the one on the page back, do not remake it
    prefix = checkin.checkin_path(reg.pk).rsplit("/", 2)[0] + "/"
    found = re.search(re.escape(prefix) + r"([^/\"<\s]+)/", html)
    assert found is not None
    assert checkin.read_token(found.group(1)) == reg.pk


def test_checkin_by_organiser(client, event, coordinator, staff):
    reg = RegistrationFactory(event=event, person=staff[0])
    url = checkin.checkin_path(reg.pk)
    client.force_login(coordinator)
    assert client.get(url).status_code == 200
    client.post(url)
    reg.refresh_from_db()
    assert reg.attended_at is not None


def test_tampered_checkin_is_refused(client, event, coordinator, staff):
    reg = RegistrationFactory(event=event, person=staff[0])
    other = RegistrationFactory(event=event, person=staff[1])
    token = checkin.make_token(reg.pk)
    _value, signature = token.rsplit(":", 1)
    forged = checkin.make_token(other.pk).rsplit(":", 1)[0] + ":" + signature
    client.force_login(coordinator)
    for bad in (forged, token[:-2] + "xx", "garbage"):
        response = client.post(reverse("events:checkin", args=[bad]))
        assert response.status_code == 400
    assert not Registration.objects.filter(attended_at__isnull=False).exists()


def test_checkin_needs_an_organiser(client, event, teacher, teacher_person):
    reg = RegistrationFactory(event=event, person=teacher_person)
    client.force_login(teacher)
    assert client.post(checkin.checkin_path(reg.pk)).status_code == 403
    reg.refresh_from_db()
    assert reg.attended_at is None


@pytest.mark.parametrize("who,code", [("coordinator", 200), ("other_methodologist", 403), ("teacher", 403)])
def test_attendance_list_permissions(client, event, request, who, code, django_assert_max_num_queries):
    from novator.organizations.tests.factories import PersonFactory

    for p in PersonFactory.create_batch(5):
        RegistrationFactory(event=event, person=p)
    client.force_login(request.getfixturevalue(who))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("events:attendance", args=[event.pk])).status_code == code


def test_tick_list_marks_present(client, event, coordinator, staff):
    reg = RegistrationFactory(event=event, person=staff[0])
    client.force_login(coordinator)
    client.post(reverse("events:attendance", args=[event.pk]), {"registration": reg.pk, "attended": "1"})
    reg.refresh_from_db()
    assert reg.attended_at is not None
    response = client.post(
        reverse("events:attendance", args=[event.pk]), {"registration": "abc", "attended": "1"}, follow=True
    )
    assert response.status_code == 200


def test_certificate_download_and_public_verification(client, org_a, coordinator, teacher, teacher_person):
    event = EventFactory(organizers=[org_a], past=True)
    RegistrationFactory(event=event, person=teacher_person, attended_at=timezone.now())
    client.force_login(coordinator)
    client.post(reverse("events:issue_certificates", args=[event.pk]))
    cert = Certificate.objects.get()
    client.force_login(teacher)
    response = client.get(reverse("events:certificate", args=[cert.code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content[:5] == b"%PDF-"
    client.logout()
    url = reverse("events:verify")
    # the link printed on the certificate fills in the code and asks for the surname
    form = client.get(url, {"code": cert.code})
    assert form.status_code == 200 and cert.code in form.content.decode()
    assert teacher_person.last_name not in form.content.decode()
    # code and surname (any case, ё as е) match: the event and the role, not the holder's name
    match = client.post(url, {"code": cert.code.lower(), "surname": f"  {teacher_person.last_name.upper()} "})
    html = match.content.decode()
    assert match.status_code == 200 and 'id="certificate-valid"' in html and event.title in html
    assert teacher_person.first_name not in html and teacher_person.organization.short_name not in html
    # a wrong surname and an unknown code get the same answer, which names nobody
    for data in ({"code": cert.code, "surname": "Другая"}, {"code": "<b>FAKE</b>", "surname": "Другая"}):
        response = client.post(url, data)
        html = response.content.decode()
        assert response.status_code == 404 and 'id="certificate-invalid"' in html
        assert event.title not in html and teacher_person.last_name not in html
    assert "&lt;b&gt;FAKE" in html and "<b>FAKE" not in html
    # both fields are required, with a clear message
    empty = client.post(url, {"code": "", "surname": ""})
    assert empty.status_code == 200 and set(empty.context["form"].errors) == {"code", "surname"}


def test_strangers_cannot_download_a_certificate(client, org_a, coordinator_b, staff):
    event = EventFactory(organizers=[org_a], past=True)
    cert = Certificate.objects.create(event=event, person=staff[0], role="attendee", code="AAAA-BBBB-CCCC")
    client.force_login(coordinator_b)
    assert client.get(reverse("events:certificate", args=[cert.code])).status_code == 403


def _event_post(org, **extra):
    data = {
        "title": "Семинар <b>новый</b>",
        "kind": "seminar",
        "level": "municipal",
        "organizers": [org.pk],
        "starts_at": "2030-03-12T10:00",
        "ends_at": "2030-03-12T13:00",
        "place": "ИМЦ",
        "capacity": "20",
        "is_published": "on",
    }
    data.update(extra)
    return data


def test_coordinator_creates_an_event(client, org_a, coordinator):
    from novator.events.models import Event

    client.force_login(coordinator)
    response = client.post(reverse("events:create"), _event_post(org_a))
    assert response.status_code == 302
    event = Event.objects.get()
    assert timezone.localtime(event.starts_at).hour == 10
    html = client.get(event.get_absolute_url()).content.decode()
    assert "Семинар &lt;b&gt;новый&lt;/b&gt;" in html


def test_event_form_refuses_wrong_dates_and_foreign_organisers(client, org_a, org_b, coordinator):
    from novator.events.models import Event

    client.force_login(coordinator)
    response = client.post(reverse("events:create"), _event_post(org_a, ends_at="2030-03-11T10:00"))
    assert response.status_code == 400
    assert response.context["form"].errors["ends_at"]
    response = client.post(reverse("events:create"), _event_post(org_b))
    assert response.status_code == 400 and response.context["form"].errors["organizers"]
    response = client.post(reverse("events:create"), _event_post(org_a, starts_at="31.02.2030 10:00"))
    assert response.status_code == 400
    assert not Event.objects.exists()


def test_teacher_cannot_create_events(client, teacher):
    client.force_login(teacher)
    assert client.get(reverse("events:create")).status_code == 403
