"""Networks across districts: partners from the other districts of the leader's region (not beyond), the
agreement accepted by the partner's confirmation, and the partners and events counted by municipality."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from novator.events.tests.factories import EventFactory, RegistrationFactory
from novator.networks import report, selectors, services
from novator.networks.models import Agreement, Partnership, PartnerState
from novator.organizations.tests.factories import (
    MunicipalityFactory,
    OrganizationFactory,
    PersonFactory,
    RegionFactory,
)

from .factories import NetworkFactory, PartnershipFactory, PlanItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(org_a: Any) -> Any:
    return NetworkFactory(leader=org_a)


def test_a_partner_from_another_district_of_the_region_is_invited(network, org_b, methodologist):
    partnership = services.partner_invite(actor=methodologist, network=network, organization=org_b)
    assert partnership.state == PartnerState.INVITED
    assert org_b.municipality_id != network.leader.municipality_id


def test_a_partner_from_another_region_is_refused_with_a_message(network, methodologist):
    far = OrganizationFactory(
        municipality=MunicipalityFactory(region=RegionFactory(code="23", name="Другой край"))
    )
    with pytest.raises(ValidationError) as exc:
        services.partner_invite(actor=methodologist, network=network, organization=far)
    assert "another region" in str(exc.value)
    assert not Partnership.objects.exists()


def test_the_page_refuses_a_partner_of_another_region(client, network, methodologist):
    far = OrganizationFactory(
        municipality=MunicipalityFactory(region=RegionFactory(code="23", name="Другой край"))
    )
    client.force_login(methodologist)
    response = client.post(reverse("networks:invite", args=[network.pk]), {"organization": far.pk})
    assert response.status_code == 400
    assert "another region" in response.content.decode()
    assert not Partnership.objects.exists()


def test_confirming_accepts_the_agreement_in_force(network, org_b, coordinator_b):
    today = timezone.localdate()
    agreement = Agreement.objects.create(
        network=network,
        number="7-С",
        signed_on=today,
        valid_from=today - datetime.timedelta(days=1),
        valid_to=today + datetime.timedelta(days=365),
    )
    partnership = PartnershipFactory(network=network, organization=org_b)
    services.partnership_answer(actor=coordinator_b, partnership=partnership, confirm=True)
    partnership.refresh_from_db()
    assert partnership.state == PartnerState.CONFIRMED and partnership.agreement == agreement
    services.partnership_answer(actor=coordinator_b, partnership=partnership, confirm=False)
    partnership.refresh_from_db()
    assert partnership.agreement is None


def test_partners_and_events_are_counted_by_municipality(network, org_b, other_municipality, municipality):
    confirmed = PartnershipFactory(network=network, organization=org_b, state=PartnerState.CONFIRMED)
    PartnershipFactory(network=network, organization=OrganizationFactory(municipality=other_municipality))
    event = EventFactory(past=True, organizers=[network.leader])
    year = 2023
    PlanItemFactory(network=network, event=event, academic_year=year)
    for org in (org_b, org_b, network.leader):
        RegistrationFactory(event=event, person=PersonFactory(organization=org), attended_at=event.starts_at)
    rows = {r["municipality"]: r for r in report.by_municipality(network, year)}
    assert rows[municipality.name]["leader"] is True
    tikh = rows[other_municipality.name]
    assert (tikh["partners_confirmed"], tikh["partners_pending"], tikh["events"], tikh["participants"]) == (
        1,
        1,
        1,
        2,
    )
    assert rows[municipality.name]["participants"] == 1
    assert confirmed.organization.municipality == other_municipality
    docx_rows = report.context(network, year)["municipalities"]
    assert {r["municipality"] for r in docx_rows} == {municipality.name, other_municipality.name}
    assert report.render_docx(network, year)[:2] == b"PK"


def test_the_partners_district_sees_the_network_in_its_overview(network, org_b, other_methodologist):
    PartnershipFactory(network=network, organization=org_b, state=PartnerState.CONFIRMED)
    rows = selectors.overview(municipalities=frozenset({org_b.municipality_id}), academic_year=2023)
    assert [r.network for r in rows] == [network]


def test_the_network_page_shows_the_table_by_municipality(client, network, org_b):
    PartnershipFactory(network=network, organization=org_b, state=PartnerState.CONFIRMED)
    page = client.get(network.get_absolute_url()).content.decode()
    assert 'data-table="by-municipality"' in page and org_b.municipality.name in page
