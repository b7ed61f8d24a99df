"""Who reads personal data: the person themselves, the access log of lists, no copies in caches."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse

from novator.events.models import RegistrationStatus
from novator.events.tests.factories import EventFactory, RegistrationFactory
from novator.organizations.tests.factories import PersonFactory
from novator.privacy import services
from novator.privacy.models import AccessKind, PersonalDataAccess

pytestmark = pytest.mark.django_db


@pytest.fixture
def me(org_a, teacher):
    return PersonFactory(organization=org_a, user=teacher, consented=True, last_name="Самойлова")


# --- the person sees what is held about them ---------------------------------------------------------


def test_a_teacher_reads_their_own_staff_card_but_cannot_change_it(client, me, teacher):
    client.force_login(teacher)
    url = reverse("organizations:person_edit", args=[me.pk])
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Самойлова" in body and 'id="person-read-only"' in body
    assert all(field.disabled for field in response.context["form"].fields.values())
    response = client.post(url, {"last_name": "Другая", "first_name": "А", "position": "x"})
    assert response.status_code == 403
    me.refresh_from_db()
    assert me.last_name == "Самойлова"


def test_a_teacher_reads_and_exports_their_own_personal_data(client, me, teacher):
    client.force_login(teacher)
    card = client.get(reverse("privacy:person", args=[me.pk]))
    assert card.status_code == 200
    assert 'id="erase"' not in card.content.decode()
    exported = client.get(reverse("privacy:export_json", args=[me.pk]))
    assert exported.status_code == 200
    assert exported.json()["person"]["last_name"] == "Самойлова"
    assert client.get(reverse("privacy:export_xlsx", args=[me.pk])).status_code == 200
    assert client.get(reverse("privacy:erase", args=[me.pk])).status_code == 403


def test_a_teacher_sees_no_one_elses_card(client, me, teacher, org_a):
    colleague = PersonFactory(organization=org_a)
    client.force_login(teacher)
    assert client.get(reverse("organizations:person_edit", args=[colleague.pk])).status_code == 404
    assert client.get(reverse("privacy:person", args=[colleague.pk])).status_code == 403
    assert client.get(reverse("privacy:export_json", args=[colleague.pk])).status_code == 403


def test_the_profile_links_to_ones_own_records(client, me, teacher):
    client.force_login(teacher)
    body = client.get(reverse("accounts:profile")).content.decode()
    assert reverse("organizations:person_edit", args=[me.pk]) in body
    assert reverse("privacy:person", args=[me.pk]) in body


# --- no copies in browser or proxy caches --------------------------------------------------------------


def _no_store(response):
    return "no-store" in response.get("Cache-Control", "")


def test_pages_and_files_with_personal_data_are_not_cached(client, me, admin_user, org_a):
    from novator.contests.tests.factories import ApplicationDocumentFactory

    client.force_login(admin_user)
    for url in (
        reverse("privacy:person", args=[me.pk]),
        reverse("privacy:export_json", args=[me.pk]),
        reverse("privacy:export_xlsx", args=[me.pk]),
        reverse("organizations:person_edit", args=[me.pk]),
        reverse("organizations:person_create", args=[org_a.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert _no_store(response), url
    document = ApplicationDocumentFactory()
    response = client.get(reverse("contests:document", args=[document.pk]))
    assert response.status_code == 200
    assert _no_store(response)


# --- lists are in the access log too ------------------------------------------------------------------


def test_the_api_list_of_registrations_is_logged_per_person_shown(client, me, teacher):
    RegistrationFactory(person=me)
    RegistrationFactory(person=me)
    other = RegistrationFactory()  # not visible to the teacher
    client.force_login(teacher)
    response = client.get("/api/v1/event-registrations/")
    assert response.status_code == 200
    rows = PersonalDataAccess.objects.filter(actor=teacher)
    assert [(r.person_id, r.kind) for r in rows] == [(me.pk, AccessKind.API)]
    assert not PersonalDataAccess.objects.filter(person=other.person).exists()


def test_the_attendance_page_is_logged_for_everyone_on_it(client, coordinator, org_a):
    event = EventFactory(organizers=[org_a])
    shown = [RegistrationFactory(event=event).person for _ in range(3)]
    cancelled = RegistrationFactory(event=event, status=RegistrationStatus.CANCELLED).person
    client.force_login(coordinator)
    assert client.get(reverse("events:attendance", args=[event.pk])).status_code == 200
    logged = set(PersonalDataAccess.objects.filter(actor=coordinator).values_list("person_id", flat=True))
    assert logged == {p.pk for p in shown}
    assert cancelled.pk not in logged


# --- the period after a withdrawal is the law's 30 days at most -----------------------------------------


def test_a_period_after_withdrawal_above_30_days_fails_the_system_check(settings):
    settings.PERSONAL_DATA_WITHDRAWN_GRACE_DAYS = 45
    with pytest.raises(SystemCheckError, match=r"privacy\.E001"):
        call_command("check")
    assert services.retention()["withdrawn_days"] == 30
    settings.PERSONAL_DATA_WITHDRAWN_GRACE_DAYS = 10
    call_command("check")
    assert services.retention()["withdrawn_days"] == 10


def test_purge_never_waits_longer_than_30_days(org_a, settings):
    settings.PERSONAL_DATA_WITHDRAWN_GRACE_DAYS = 365
    today = datetime.date(2026, 6, 1)
    person = PersonFactory(
        organization=org_a,
        processing_consent_on=datetime.date(2025, 1, 1),
        processing_consent_withdrawn_on=today - datetime.timedelta(days=31),
    )
    services.purge_personal_data(today=today)
    person.refresh_from_db()
    assert person.erased_at is not None
