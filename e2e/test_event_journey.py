"""An event end to end in the browser: a teacher registers and opens the ticket; the organiser opens the
check-in address from its QR code and marks the teacher present; after the event the organiser issues
certificates; the teacher downloads the certificate PDF; an anonymous visitor verifies its code on the
public page. A screenshot after each step goes to e2e/artifacts/.

Elements are found by form action, ids and data-* attributes, not by visible text, so the test keeps
working whatever the state of the translations. «After the event» is reached by moving the event's
dates into the past in the database (time passing), since registration needs an event still ahead.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from e2e.conftest import login, screenshot
from novator.events.models import Certificate, Event, Registration, RegistrationStatus
from novator.events.tests.factories import EventFactory, SectionFactory, TalkFactory
from novator.organizations.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "pass-for-tests-1"  # of every user the factories make


def _post(page: Any, selector: str) -> None:
    with page.expect_navigation():
        page.locator(f"{selector} button[type=submit], {selector} button:not([type])").first.click()


def _as(page: Any, live_server: Any, user: Any) -> None:
    page.context.clear_cookies()
    login(page, live_server, user.username, PASSWORD)


def test_register_check_in_certificate_and_verify(page, live_server, org_a, coordinator, teacher):
    person = PersonFactory(organization=org_a, user=teacher, last_name="Журавлёва", first_name="Ольга")
    event = EventFactory(
        organizers=[org_a], title="Семинар «Функциональная грамотность»", kind="seminar", capacity=20
    )
    TalkFactory(
        section=SectionFactory(event=event, title="Пленарное заседание"),
        title="Читательская грамотность на уроках",
        speakers=[PersonFactory(organization=org_a)],
    )
    url = live_server.url

    # 1. The teacher registers herself on the event page.
    _as(page, live_server, teacher)
    page.goto(url + event.get_absolute_url())
    page.select_option("select[name=person]", str(person.pk))
    _post(page, f"form[action='{reverse('events:register', args=[event.pk])}']")
    registration = Registration.objects.get(event=event, person=person)
    assert registration.status == RegistrationStatus.REGISTERED
    screenshot(page, "event-1-registered")

    # 2. She opens the ticket: a QR code of the signed check-in address.
    ticket_url = reverse("events:ticket", args=[registration.pk])
    with page.expect_navigation():
        page.locator(f"a[href='{ticket_url}']").click()
    assert page.locator("figure.events-qr svg").count() == 1
    checkin_url = page.locator("code").first.inner_text().strip()
    assert checkin_url.startswith(url + "/events/checkin/")
    screenshot(page, "event-2-ticket")

    # 3. The organiser opens that address (as the phone would from the QR code) and checks her in.
    _as(page, live_server, coordinator)
    page.goto(checkin_url)
    screenshot(page, "event-3-checkin")
    _post(page, "main form[method=post]")
    registration.refresh_from_db()
    assert registration.attended_at is not None
    assert page.locator(".alert-success").count() >= 1
    screenshot(page, "event-4-checked-in")

    # 4. The event is over; the organiser issues the certificates from the tick-list.
    start = timezone.now() - datetime.timedelta(days=1)
    Event.objects.filter(pk=event.pk).update(starts_at=start, ends_at=start + datetime.timedelta(hours=3))
    page.goto(url + reverse("events:attendance", args=[event.pk]))
    _post(page, f"form[action='{reverse('events:issue_certificates', args=[event.pk])}']")
    certificate = Certificate.objects.get(event=event, person=person)
    screenshot(page, "event-5-certificates-issued")

    # 5. The teacher finds the certificate under «My registrations» and downloads the PDF.
    _as(page, live_server, teacher)
    page.goto(url + reverse("events:my"))
    link = page.locator(f"a[data-certificate='{certificate.code}']")
    assert link.count() == 1
    screenshot(page, "event-6-my-registrations")
    with page.expect_download() as download_info:
        link.click()
    path = download_info.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # 6. Anyone, without logging in, checks the code and the holder's surname on the public page; the
    # answer names nobody (the teacher gave no consent to publication).
    page.context.clear_cookies()
    page.goto(url + reverse("events:verify"))
    page.fill("#id_code", certificate.code.lower())
    page.fill("#id_surname", "журавлева")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator(".alert-success").count() == 1
    answer = page.locator(".alert-success").inner_text()
    assert event.title in answer and "Ольга" not in answer
    screenshot(page, "event-7-verified")
    page.fill("#id_surname", "Иванова")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator(".alert-danger").count() == 1 and page.locator(".alert-success").count() == 0
