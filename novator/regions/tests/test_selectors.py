from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import numpy
import pytest
from django.utils import timezone

from novator.contests.models import ApplicationState
from novator.contests.tests.factories import ApplicationFactory, ContestFactory
from novator.events.models import RegistrationStatus
from novator.events.tests.factories import EventFactory, RegistrationFactory
from novator.library.tests.factories import AdoptionFactory, MethodProductFactory
from novator.monitoring.models import IndicatorValue, Level, MonitoringYear, index_indicator
from novator.organizations.tests.factories import (
    MunicipalityFactory,
    OrganizationFactory,
    PersonFactory,
    RegionFactory,
)
from novator.regions.selectors import region_comparison, sort_rows
from novator.statuses.tests.factories import StatusAssignmentFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _status(org: Any, *, starts: datetime.date, ends: datetime.date, **extra: Any) -> Any:
    return StatusAssignmentFactory(organization=org, starts_on=starts, ends_on=ends, **extra)


def _index(org: Any, year: str, value: str) -> None:
    IndicatorValue.objects.create(
        indicator=index_indicator(),
        level=Level.ORGANIZATION,
        academic_year=year,
        organization=org,
        municipality=org.municipality,
        region=org.municipality.region,
        value=Decimal(value),
    )


def _world(region: Any, municipality: Any, other_municipality: Any) -> dict[str, Any]:
    """Two municipalities: x with four organisations, y with two."""
    xs = [OrganizationFactory(municipality=municipality) for _ in range(4)]
    ys = [OrganizationFactory(municipality=other_municipality) for _ in range(2)]
    return {"x": xs, "y": ys}


def test_statuses_counted_now_and_per_100(region: Any, municipality: Any, other_municipality: Any) -> None:
    w = _world(region, municipality, other_municipality)
    OrganizationFactory(municipality=municipality, is_active=False)  # closed: not counted
    year_ago = TODAY - datetime.timedelta(days=365)
    _status(w["x"][0], starts=year_ago, ends=TODAY + datetime.timedelta(days=30))
    _status(w["x"][1], starts=year_ago, ends=TODAY + datetime.timedelta(days=30))
    _status(w["x"][2], starts=year_ago, ends=TODAY - datetime.timedelta(days=1))  # expired
    _status(
        w["y"][0],
        starts=year_ago,
        ends=TODAY + datetime.timedelta(days=30),
        revoked_on=TODAY - datetime.timedelta(days=3),
        revocation_grounds="Не представлен отчёт",
    )

    rows = {r.id: r for r in region_comparison(region).rows}

    assert rows[municipality.pk].organizations == 4
    assert rows[municipality.pk].statuses == 2
    assert rows[municipality.pk].statuses_per_100 == 50.0
    assert rows[other_municipality.pk].statuses == 0
    assert rows[other_municipality.pk].statuses_per_100 == 0.0


def test_applications_and_winners_by_year(region: Any, municipality: Any, other_municipality: Any) -> None:
    w = _world(region, municipality, other_municipality)
    old = ContestFactory(organiser_municipality=municipality, academic_year="2022/23")
    new = ContestFactory(organiser_municipality=municipality, academic_year="2023/24")
    ApplicationFactory(contest=old, organization=w["x"][0], accepted=True, awarded=True)
    ApplicationFactory(contest=old, organization=w["x"][1], submitted=True)
    ApplicationFactory(contest=old, organization=w["x"][2])  # a draft: not counted
    ApplicationFactory(contest=new, organization=w["y"][0], accepted=True, awarded=True)
    ApplicationFactory(contest=new, organization=w["y"][1], state=ApplicationState.WITHDRAWN)

    comparison = region_comparison(region, year="2022/23")
    rows = {r.id: r for r in comparison.rows}

    assert comparison.year == "2022/23"
    assert comparison.years == ["2022/23", "2023/24"]
    assert (rows[municipality.pk].applications, rows[municipality.pk].winners) == (2, 1)
    assert rows[municipality.pk].by_year == {"2022/23": (2, 1)}
    assert rows[other_municipality.pk].by_year == {"2023/24": (1, 1)}
    assert comparison.totals.by_year == {"2022/23": (2, 1), "2023/24": (1, 1)}
    # no year asked: the latest with applications
    assert region_comparison(region).year == "2023/24"
    # a year that is not one: the default, not an error
    assert region_comparison(region, year="20x2").year == "2023/24"


def test_adoptions_across_borders(region: Any, municipality: Any, other_municipality: Any) -> None:
    w = _world(region, municipality, other_municipality)
    in_year = datetime.date(2022, 10, 3)
    product_x = MethodProductFactory(authors=[w["x"][0]])
    AdoptionFactory(product=product_x, organization=w["y"][0], adopted_on=in_year)  # x → y
    AdoptionFactory(product=product_x, organization=w["y"][1], adopted_on=in_year)  # x → y
    AdoptionFactory(product=product_x, organization=w["x"][1], adopted_on=in_year)  # inside x
    AdoptionFactory(product=product_x, organization=w["x"][2], adopted_on=datetime.date(2021, 10, 1))
    product_y = MethodProductFactory(authors=[w["y"][0]])
    AdoptionFactory(product=product_y, organization=w["x"][3], adopted_on=in_year)  # y → x
    elsewhere = OrganizationFactory(
        municipality=MunicipalityFactory(region=RegionFactory(code="61", name="Ростовская область"))
    )
    AdoptionFactory(product=product_x, organization=elsewhere, adopted_on=in_year)  # x → another region
    draft = MethodProductFactory(authors=[w["y"][0]], draft=True)
    AdoptionFactory(product=draft, organization=w["x"][0], adopted_on=in_year)  # unpublished: not counted

    rows = {r.id: r for r in region_comparison(region, year="2022/23").rows}

    assert rows[municipality.pk].adoptions_exported == 3
    assert rows[municipality.pk].adoptions_imported == 1
    assert rows[other_municipality.pk].adoptions_exported == 1
    assert rows[other_municipality.pk].adoptions_imported == 2


def test_index_median_and_iqr_match_numpy(region: Any, municipality: Any, other_municipality: Any) -> None:
    MonitoringYear.objects.create(academic_year="2022/23", published=True)
    MonitoringYear.objects.create(academic_year="2023/24", published=False)  # not published: not used
    values_x = ["10", "20", "35", "40", "80", "55.5", "61"]
    values_y = ["42"]
    for value in values_x:
        _index(OrganizationFactory(municipality=municipality), "2022/23", value)
    for value in values_y:
        org = OrganizationFactory(municipality=other_municipality)
        _index(org, "2022/23", value)
        _index(org, "2023/24", "99")

    comparison = region_comparison(region)
    rows = {r.id: r for r in comparison.rows}

    assert comparison.index_year == "2022/23"
    floats = [float(v) for v in values_x]
    q1, median, q3 = numpy.percentile(floats, [25, 50, 75])
    assert rows[municipality.pk].index_median == pytest.approx(round(median, 2))
    assert rows[municipality.pk].index_iqr == pytest.approx(round(q3 - q1, 2))
    assert rows[municipality.pk].index_organizations == 7
    assert rows[other_municipality.pk].index_median == 42.0
    assert rows[other_municipality.pk].index_iqr == 0.0


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 6, 9, 10])
def test_quartiles_for_every_size(region: Any, municipality: Any, n: int) -> None:
    MonitoringYear.objects.create(academic_year="2022/23", published=True)
    values = [float((i * 37) % 101) for i in range(n)]
    for value in values:
        _index(OrganizationFactory(municipality=municipality), "2022/23", str(value))

    row = next(r for r in region_comparison(region).rows if r.id == municipality.pk)

    q1, median, q3 = numpy.percentile(values, [25, 50, 75])
    assert row.index_median == pytest.approx(round(median, 2))
    assert row.index_iqr == pytest.approx(round(q3 - q1, 2))


def test_event_participation(region: Any, municipality: Any, other_municipality: Any) -> None:
    zone = timezone.get_current_timezone()
    in_year = datetime.datetime(2022, 11, 10, 10, tzinfo=zone)
    event = EventFactory(starts_at=in_year, ends_at=in_year + datetime.timedelta(hours=3))
    later = EventFactory(
        starts_at=datetime.datetime(2023, 9, 1, 0, 30, tzinfo=zone),  # the next academic year
        ends_at=datetime.datetime(2023, 9, 1, 3, tzinfo=zone),
    )
    person_x = PersonFactory(organization=OrganizationFactory(municipality=municipality))
    RegistrationFactory(event=event, person=person_x, attended_at=in_year)
    RegistrationFactory(event=later, person=person_x)
    RegistrationFactory(
        event=event,
        status=RegistrationStatus.WAITLISTED,
        person=PersonFactory(organization=OrganizationFactory(municipality=municipality)),
    )
    RegistrationFactory(
        event=event, person=PersonFactory(organization=OrganizationFactory(municipality=other_municipality))
    )

    rows = {r.id: r for r in region_comparison(region, year="2022/23").rows}

    assert (rows[municipality.pk].registrations, rows[municipality.pk].attendances) == (1, 1)
    assert (rows[other_municipality.pk].registrations, rows[other_municipality.pk].attendances) == (1, 0)


def test_sorting_keeps_missing_values_last(region: Any, municipality: Any, other_municipality: Any) -> None:
    empty: Any = MunicipalityFactory(region=region, name="Яблоновский район")  # no organisations: no per-100
    OrganizationFactory(municipality=municipality)
    OrganizationFactory(municipality=other_municipality)
    OrganizationFactory(municipality=other_municipality)
    rows = region_comparison(region).rows

    by_orgs = sort_rows(rows, "-organizations")
    assert [r.id for r in by_orgs] == [other_municipality.pk, municipality.pk, empty.pk]
    for sort in ("statuses_per_100", "-statuses_per_100"):
        assert sort_rows(rows, sort)[-1].id == empty.pk
    assert [r.name for r in sort_rows(rows, "bogus")] == sorted(r.name for r in rows)


def _grow(region: Any, municipalities: int, orgs: int) -> None:
    MonitoringYear.objects.get_or_create(academic_year="2022/23", published=True)
    contest = ContestFactory(academic_year="2022/23")
    for _ in range(municipalities):
        place = MunicipalityFactory(region=region)
        for _ in range(orgs):
            org = OrganizationFactory(municipality=place)
            _status(org, starts=TODAY - datetime.timedelta(days=10), ends=TODAY + datetime.timedelta(days=10))
            ApplicationFactory(contest=contest, organization=org, submitted=True)
            _index(org, "2022/23", "50")
            product = MethodProductFactory(authors=[org])
            AdoptionFactory(
                product=product, organization=OrganizationFactory(), adopted_on=datetime.date(2022, 10, 1)
            )
            RegistrationFactory(person=PersonFactory(organization=org))


def test_query_count_does_not_grow(region: Any, django_assert_num_queries: Any) -> None:
    _grow(region, 1, 1)
    with django_assert_num_queries(8):
        small = region_comparison(region, year="2022/23")
    _grow(region, 4, 3)
    with django_assert_num_queries(8):
        large = region_comparison(region, year="2022/23")
    assert len(large.rows) >= len(small.rows) + 4
    assert large.totals.organizations > small.totals.organizations + 12
