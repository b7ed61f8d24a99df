from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from novator.contests.tests.files import exe_as_pdf, pdf
from novator.core.models import ActivityLog
from novator.events.tests.factories import EventFactory, RegistrationFactory
from novator.networks import selectors, services
from novator.networks.models import Agreement, Network, Partnership
from novator.organizations.tests.factories import PersonFactory

from .factories import NetworkFactory, PartnershipFactory, PlanItemFactory


def test_coordinator_creates_a_network_of_own_organisation(org_a, org_b, coordinator):
    network = services.network_create(actor=coordinator, leader=org_a, topic="  Функциональная грамотность ")
    assert network.topic == "Функциональная грамотность"
    assert ActivityLog.objects.filter(action="network_create").count() == 1
    with pytest.raises(PermissionDenied):
        services.network_create(actor=coordinator, leader=org_b, topic="Чужая сеть")
    with pytest.raises(ValidationError):
        services.network_create(actor=coordinator, leader=org_a, topic="   ")
    assert Network.objects.count() == 1


def test_partner_from_another_municipality_confirms(org_a, org_b, coordinator, coordinator_b):
    network = NetworkFactory(leader=org_a)
    partnership = services.partner_invite(actor=coordinator, network=network, organization=org_b)
    with pytest.raises(ValidationError):
        services.partner_invite(actor=coordinator, network=network, organization=org_b)
    with pytest.raises(ValidationError):
        services.partner_invite(actor=coordinator, network=network, organization=org_a)
    with pytest.raises(PermissionDenied):
        services.partnership_answer(actor=coordinator, partnership=partnership, confirm=True)
    services.partnership_answer(actor=coordinator_b, partnership=partnership, confirm=True)
    assert Partnership.objects.get().state == "confirmed"


def test_agreement_file_is_checked_by_content(org_a, coordinator):
    network = NetworkFactory(leader=org_a)
    day = datetime.date(2023, 9, 1)
    with pytest.raises(ValidationError) as info:
        services.agreement_add(
            actor=coordinator,
            network=network,
            number="12",
            signed_on=day,
            valid_from=day,
            valid_to=day,
            upload=exe_as_pdf(),
        )
    assert "file" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        services.agreement_add(
            actor=coordinator,
            network=network,
            number="12",
            signed_on=day,
            valid_from=day,
            valid_to=day - datetime.timedelta(days=1),
        )
    assert "valid_to" in info.value.message_dict
    assert not Agreement.objects.exists()
    agreement = services.agreement_add(
        actor=coordinator,
        network=network,
        number="12",
        signed_on=day,
        valid_from=day,
        valid_to=datetime.date(2026, 8, 31),
        upload=pdf(),
    )
    assert agreement.file_type == "pdf" and agreement.file.name


def test_plan_item_gets_its_academic_year(org_a, coordinator):
    network = NetworkFactory(leader=org_a)
    item = services.plan_item_add(
        actor=coordinator, network=network, title="Семинар", planned_on=datetime.date(2024, 3, 12)
    )
    assert item.academic_year == 2023 and item.year_label == "2023/24"


def test_overview_counts_planned_held_and_reached(org_a, org_b, municipality):
    network = NetworkFactory(leader=org_a)
    PartnershipFactory(network=network, organization=org_b, state="confirmed")
    held = EventFactory(organizers=[org_a], past=True)
    planned_on = timezone.localdate() - datetime.timedelta(days=30)
    from novator.core.academic_year import AcademicYear

    year = AcademicYear.of(planned_on).start_year
    PlanItemFactory(network=network, event=held, academic_year=year, planned_on=planned_on)
    PlanItemFactory(network=network, academic_year=year, planned_on=planned_on)
    RegistrationFactory(event=held, person=PersonFactory(organization=org_b), attended_at=timezone.now())
    RegistrationFactory(event=held, person=PersonFactory(organization=org_b), attended_at=timezone.now())
    (row,) = selectors.overview(municipalities=frozenset({municipality.pk}), academic_year=year)
    assert (row.planned, row.held, row.partners_confirmed, row.partners_reached) == (2, 1, 1, 1)
