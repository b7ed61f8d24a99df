"""Inter-municipal events: co-organiser municipalities, registration open to the organisations of every
organiser (a regional event: of the region), attendance and certificates counted by municipality."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from novator.events import selectors, services
from novator.events.models import Certificate, EventLevel, Registration
from novator.organizations.tests.factories import (
    MunicipalityFactory,
    OrganizationFactory,
    PersonFactory,
    RegionFactory,
)

from .factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def third(region):
    return MunicipalityFactory(region=region, name="Кореновский район", oktmo="03621000")


@pytest.fixture
def conference(org_a, other_municipality):
    """An inter-municipal conference of Vyselki (org_a) co-organised by Tikhoretsk."""
    event = EventFactory(organizers=[org_a], level=EventLevel.INTER_MUNICIPAL, capacity=None)
    event.co_organiser_municipalities.set([other_municipality])
    return event


def test_registration_is_open_to_every_organising_municipality(conference, org_a, org_b):
    for org in (org_a, org_b):
        services.registration_create(actor=None, event=conference, person=PersonFactory(organization=org))
    assert Registration.objects.filter(event=conference).count() == 2


def test_registration_from_a_non_organiser_municipality_is_refused(conference, third):
    person = PersonFactory(organization=OrganizationFactory(municipality=third))
    with pytest.raises(ValidationError) as exc:
        services.registration_create(actor=None, event=conference, person=person)
    message = " ".join(exc.value.messages)
    assert "organising municipalities" in message and third.name in message
    assert not Registration.objects.filter(event=conference).exists()


def test_a_regional_event_is_open_to_the_region_only(org_a, third):
    event = EventFactory(organizers=[org_a], level=EventLevel.REGIONAL)
    services.registration_create(
        actor=None, event=event, person=PersonFactory(organization=OrganizationFactory(municipality=third))
    )
    far = OrganizationFactory(
        municipality=MunicipalityFactory(region=RegionFactory(code="23", name="Другой край"))
    )
    with pytest.raises(ValidationError):
        services.registration_create(actor=None, event=event, person=PersonFactory(organization=far))


def test_a_municipal_event_stays_open_to_everybody(event, third):
    person = PersonFactory(organization=OrganizationFactory(municipality=third))
    services.registration_create(actor=None, event=event, person=person)


def test_co_organisers_need_a_shared_level(coordinator, org_a, other_municipality):
    start = timezone.now() + timezone.timedelta(days=5)
    with pytest.raises(ValidationError) as exc:
        services.event_create(
            actor=coordinator,
            organizers=[org_a],
            co_organisers=[other_municipality],
            title="Семинар",
            kind="seminar",
            level=EventLevel.MUNICIPAL,
            starts_at=start,
            ends_at=start,
            place="Выселки",
        )
    assert "co_organiser_municipalities" in exc.value.message_dict
    event = services.event_create(
        actor=coordinator,
        organizers=[org_a],
        co_organisers=[other_municipality],
        title="Межмуниципальный семинар",
        kind="seminar",
        level=EventLevel.INTER_MUNICIPAL,
        starts_at=start,
        ends_at=start,
        place="Выселки",
    )
    assert list(event.co_organiser_municipalities.all()) == [other_municipality]


def test_attendance_and_certificates_by_municipality(
    conference, org_a, org_b, municipality, other_municipality
):
    here = RegistrationFactory(
        event=conference, person=PersonFactory(organization=org_a), attended_at=timezone.now()
    )
    RegistrationFactory(
        event=conference, person=PersonFactory(organization=org_b), attended_at=timezone.now()
    )
    RegistrationFactory(event=conference, person=PersonFactory(organization=org_b))
    Certificate.objects.create(event=conference, person=here.person, code="ABC123", role="attendee")
    rows = {r["municipality"]: r for r in selectors.attendance_by_municipality(conference)}
    assert (rows[municipality.name]["registered"], rows[municipality.name]["attended"]) == (1, 1)
    assert rows[municipality.name]["certificates"] == 1
    assert (rows[other_municipality.name]["registered"], rows[other_municipality.name]["attended"]) == (2, 1)
    assert rows[other_municipality.name]["certificates"] == 0


def test_the_event_page_shows_co_organisers_and_the_managers_table(client, conference, coordinator, org_b):
    RegistrationFactory(event=conference, person=PersonFactory(organization=org_b))
    public = client.get(reverse("events:detail", args=[conference.pk])).content.decode()
    assert 'data-list="co-organisers"' in public and 'data-table="by-municipality"' not in public
    client.force_login(coordinator)
    page = client.get(reverse("events:detail", args=[conference.pk])).content.decode()
    assert 'data-table="by-municipality"' in page and org_b.municipality.name in page
