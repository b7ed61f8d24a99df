"""The recomputation works through the organisations in chunks; the result must not depend on the chunk
size (ranks and medians are over all the organisations of a municipality or region)."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from statistics import median
from typing import Any

import pytest

from novator.core.jobs import Progress
from novator.core.models import Job
from novator.monitoring import services
from novator.monitoring.models import DataValue, ElementSource, IndicatorValue, Level
from novator.organizations.tests.factories import MunicipalityFactory, OrganizationFactory, RegionFactory
from novator.statuses.tests.factories import StatusAssignmentFactory

from .factories import catalogue

pytestmark = pytest.mark.django_db

Y = "2023/24"


def _snapshot() -> tuple[set, set]:
    rows = set(
        IndicatorValue.objects.filter(academic_year=Y).values_list(
            "indicator__code", "level", "organization_id", "municipality_id", "region_id", "value", "rank"
        )
    )
    values = set(
        DataValue.objects.filter(academic_year=Y).values_list("element__code", "organization_id", "value")
    )
    return rows, values


def _random_country(seed: int) -> list:
    """Two regions, uneven municipalities (1–9 organisations), missing values, ties, statuses (derived),
    an inactive organisation with values."""
    rng = random.Random(seed)
    elements = catalogue()
    regions = [RegionFactory(), RegionFactory()]
    municipalities = [MunicipalityFactory(region=regions[i % 2]) for i in range(7)]
    orgs: list[Any] = []
    for municipality in municipalities:
        for _ in range(rng.randint(1, 9)):
            orgs.append(OrganizationFactory(municipality=municipality))
    orgs.append(OrganizationFactory(municipality=municipalities[0], is_active=False))
    values = []
    for org in orgs:
        teachers = rng.choice([None, 0, *range(1, 60)])
        if teachers is not None:
            values.append(DataValue(element=elements["teachers"], value=teachers, organization=org))
            if rng.random() < 0.9:
                involved = rng.randint(0, teachers)
                values.append(DataValue(element=elements["involved"], value=involved, organization=org))
        if rng.random() < 0.8:
            partners = rng.choice([Decimal(n) for n in ("0", "1", "2", "2", "3", "2.5", "12")])
            values.append(DataValue(element=elements["partners"], value=partners, organization=org))
        if rng.random() < 0.4:
            StatusAssignmentFactory(organization=org, starts_on=datetime.date(2023, 1, 1))
    for value in values:
        value.academic_year = Y
        value.source = ElementSource.COLLECTED
    DataValue.objects.bulk_create(values)
    return orgs


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_chunked_recomputation_equals_the_unchunked_one(seed):
    orgs = _random_country(seed)
    active = len(orgs) - 1
    services.values_recompute(actor=None, academic_year=Y, chunk_size=10**6)
    whole = _snapshot()
    for size in (1, 3, 7, active - 1):
        services.values_recompute(actor=None, academic_year=Y, chunk_size=size)
        assert _snapshot() == whole, size
    rows, _values = whole
    # the roll-ups really are over all the organisations, whatever the chunks: medians of the org values
    for code in ("involved_share", "partners", "index"):
        org_values = {(r[3], r[4]): [] for r in rows if r[0] == code and r[1] == Level.ORGANIZATION}
        by_region: dict[int, list[Decimal]] = {}
        for r in rows:
            if r[0] == code and r[1] == Level.ORGANIZATION:
                org_values[(r[3], r[4])].append(r[5])
                by_region.setdefault(r[4], []).append(r[5])
        for (municipality, _region), found in org_values.items():
            held = next(
                r[5] for r in rows if r[0] == code and r[1] == Level.MUNICIPALITY and r[3] == municipality
            )
            assert held == Decimal(str(median(sorted(found)))).quantize(Decimal("0.0001"))
        for region, found in by_region.items():
            held = next(r[5] for r in rows if r[0] == code and r[1] == Level.REGION and r[4] == region)
            assert held == Decimal(str(median(sorted(found)))).quantize(Decimal("0.0001"))
    # nothing for the inactive organisation, one index row per active organisation at most
    assert not any(r[2] == orgs[-1].pk for r in rows)
    assert len([r for r in rows if r[0] == "index" and r[1] == Level.ORGANIZATION]) <= active


def test_each_chunk_reports_progress_on_the_job(municipality):
    catalogue()
    for _ in range(5):
        OrganizationFactory(municipality=municipality)
    job = Job.objects.create(kind="monitoring.recompute", title="t")
    services.values_recompute(actor=None, academic_year=Y, progress=Progress(job, every=1), chunk_size=2)
    job.refresh_from_db()
    # 3 chunks, 3 codes (two indicators and the index), the save
    assert job.total == job.done == 3 + 3 + 1


def test_a_value_too_large_for_the_compact_column_comes_back_unchanged():
    column = services._Column(3)
    big = Decimal("12345678901234567890.1234")
    column.set(0, Decimal("1.5000"))
    column.set(2, big)
    assert column.get(0) == Decimal("1.5") and str(column.get(0)) == "1.5000"
    assert column.get(1) is None
    assert column.get(2) == big
