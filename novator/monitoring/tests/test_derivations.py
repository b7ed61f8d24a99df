from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from novator.core.academic_year import AcademicYear
from novator.events.models import EventLevel
from novator.events.tests.factories import EventFactory, RegistrationFactory
from novator.monitoring.engine import derivations
from novator.networks.models import Agreement, PartnerState
from novator.networks.tests.factories import NetworkFactory, PartnershipFactory, PlanItemFactory
from novator.organizations.tests.factories import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db

Y = AcademicYear(2023)


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=timezone.get_current_timezone())


def test_the_event_levels_are_those_of_the_events_app():
    assert set(derivations.EVENT_LEVELS) == set(EventLevel.values)
    for level in EventLevel.values:
        assert f"events_organised_{level}" in derivations.REGISTRY
        assert f"events_attended_{level}" in derivations.REGISTRY


def test_events_organised_and_attended_by_level(org_a, org_b):
    day = datetime.date(2023, 11, 15)
    regional = EventFactory(
        level=EventLevel.REGIONAL, starts_at=_at(day), ends_at=_at(day), organizers=[org_a, org_b]
    )
    municipal = EventFactory(
        level=EventLevel.MUNICIPAL, starts_at=_at(day), ends_at=_at(day), organizers=[org_a]
    )
    # outside the year, and unpublished: not counted
    EventFactory(
        starts_at=_at(datetime.date(2024, 9, 2)), ends_at=_at(datetime.date(2024, 9, 2)), organizers=[org_a]
    )
    EventFactory(starts_at=_at(day), ends_at=_at(day), organizers=[org_a], is_published=False)
    other = OrganizationFactory(municipality=org_a.municipality)
    # two staff of `other` attended the regional event (one event), one registered but absent elsewhere
    for _ in range(2):
        RegistrationFactory(event=regional, person=PersonFactory(organization=other), attended_at=_at(day))
    RegistrationFactory(event=municipal, person=PersonFactory(organization=other))
    # org_a's own staff at its own event is not "attending another's event"
    RegistrationFactory(event=municipal, person=PersonFactory(organization=org_a), attended_at=_at(day))
    ids = [org_a.pk, org_b.pk, other.pk]
    assert derivations.derive("events_organised", Y, ids) == {org_a.pk: 2, org_b.pk: 1, other.pk: 0}
    assert derivations.derive("events_organised_regional", Y, ids) == {org_a.pk: 1, org_b.pk: 1, other.pk: 0}
    assert derivations.derive("events_organised_municipal", Y, ids)[org_a.pk] == 1
    assert derivations.derive("events_attended", Y, ids) == {org_a.pk: 0, org_b.pk: 0, other.pk: 1}
    assert derivations.derive("events_attended_regional", Y, ids)[other.pk] == 1
    assert derivations.derive("events_attended_municipal", Y, ids)[other.pk] == 0


def test_an_event_counts_in_the_academic_year_of_its_local_start_date(org_a):
    """The year's events are those whose start falls on one of its days in the local time zone (Moscow,
    UTC+3): the bounds are local midnights, not UTC ones, and both edges are counted exactly once."""
    zone = timezone.get_current_timezone()
    assert zone.utcoffset(datetime.datetime(2024, 1, 1)) == datetime.timedelta(hours=3)

    def event_at(day: datetime.date, hour: int, minute: int) -> None:
        moment = datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=zone)
        EventFactory(starts_at=moment, ends_at=moment, organizers=[org_a])

    event_at(datetime.date(2023, 8, 31), 23, 59)  # 20:59 UTC: the day before 2023/24 begins
    event_at(datetime.date(2023, 9, 1), 0, 0)  # 21:00 UTC on 31 August: 2023/24's first moment
    event_at(datetime.date(2023, 9, 1), 2, 30)  # 23:30 UTC on 31 August: 2023/24
    event_at(datetime.date(2024, 8, 31), 23, 59)  # 20:59 UTC: 2023/24's last day
    event_at(datetime.date(2024, 9, 1), 0, 0)  # 21:00 UTC on 31 August: 2024/25
    counted = {
        str(year): derivations.derive("events_organised", year, [org_a.pk])[org_a.pk]
        for year in (AcademicYear(2022), Y, AcademicYear(2024))
    }
    assert counted == {"2022/23": 1, "2023/24": 3, "2024/25": 1}


def test_network_partners_count_in_the_years_the_network_was_active(org_a, org_b):
    network = NetworkFactory(leader=org_a)
    PartnershipFactory(network=network, organization=org_b, state=PartnerState.CONFIRMED)
    PartnershipFactory(network=network, state=PartnerState.CONFIRMED)
    PartnershipFactory(network=network, state=PartnerState.INVITED)
    PlanItemFactory(network=network, academic_year=2023)
    PlanItemFactory(network=network, academic_year=2023)  # two plan items do not double the partners
    ids = [org_a.pk, org_b.pk]
    assert derivations.derive("network_partners", Y, ids) == {org_a.pk: Decimal(2), org_b.pk: 0}
    assert derivations.derive("network_memberships", Y, ids) == {org_a.pk: 0, org_b.pk: Decimal(1)}
    # 2022/23: no plan, no agreement — nothing
    assert derivations.derive("network_partners", AcademicYear(2022), ids)[org_a.pk] == 0
    Agreement.objects.create(
        network=network,
        number="1",
        signed_on=datetime.date(2022, 8, 1),
        valid_from=datetime.date(2022, 9, 1),
        valid_to=datetime.date(2024, 8, 31),
    )
    assert derivations.derive("network_partners", AcademicYear(2022), ids)[org_a.pk] == 2
    assert derivations.derive("network_memberships", AcademicYear(2022), ids)[org_b.pk] == 1


def test_a_long_list_of_organisations_is_answered_for_those_organisations_only(org_a):
    from novator.statuses.tests.factories import StatusAssignmentFactory

    orgs = [OrganizationFactory(municipality=org_a.municipality) for _ in range(derivations.RANGE_FROM + 10)]
    for org in orgs:
        StatusAssignmentFactory(organization=org, starts_on=datetime.date(2023, 1, 1))
    asked = [org.pk for org in orgs[::2]]  # every other one: the others lie inside the range of ids
    assert derivations.statuses_held(Y, asked) == dict.fromkeys(asked, 1)
    assert derivations.derive("statuses_held", Y, asked) == dict.fromkeys(asked, 1)


def test_a_year_is_derived_with_one_query_per_family(org_a, org_b, django_assert_num_queries):
    """`derive_year`: every organisation's values, a family's elements from one query, the same as asking
    for the organisations (less the zeros: only the organisations that have a value)."""
    day = datetime.date(2023, 11, 15)
    other = OrganizationFactory(municipality=org_a.municipality)
    regional = EventFactory(
        level=EventLevel.REGIONAL, starts_at=_at(day), ends_at=_at(day), organizers=[org_a, org_b]
    )
    school = EventFactory(level=EventLevel.SCHOOL, starts_at=_at(day), ends_at=_at(day), organizers=[other])
    RegistrationFactory(event=regional, person=PersonFactory(organization=other), attended_at=_at(day))
    RegistrationFactory(event=school, person=PersonFactory(organization=org_a), attended_at=_at(day))
    RegistrationFactory(event=school, person=PersonFactory(organization=org_b), attended_at=_at(day))
    # a family's elements interleaved with another's and with a single element
    codes = ["events_attended", "events_organised_school", "statuses_held", "events_attended_regional"]
    codes += [code for code in derivations.FAMILY_OF if code not in codes]
    assert len(codes) == 1 + 2 * (1 + len(derivations.EVENT_LEVELS))
    with django_assert_num_queries(3):
        year = dict(derivations.derive_year(codes, Y))
    assert set(year) == set(codes)
    ids = [org_a.pk, org_b.pk, other.pk]
    for code in codes:
        assert year[code] == {org: v for org, v in derivations.derive(code, Y, ids).items() if v}, code
    assert year["events_organised"] == {org_a.pk: 1, org_b.pk: 1, other.pk: 1}
    assert year["events_attended"] == {org_a.pk: 1, org_b.pk: 1, other.pk: 1}
    assert year["events_attended_regional"] == {other.pk: 1}
    assert year["events_organised_school"] == {other.pk: 1}
    assert year["statuses_held"] == {}
