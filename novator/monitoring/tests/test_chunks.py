"""The recomputation works through the organisations in chunks; the result must not depend on the chunk
size (ranks and medians are over all the organisations of a municipality or region)."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from statistics import median
from typing import Any

import numpy as np
import pytest

from novator.core.academic_year import AcademicYear
from novator.core.jobs import Progress
from novator.core.models import Job
from novator.monitoring import services
from novator.monitoring.engine import bulk, columns, derivations, recompute
from novator.monitoring.models import DataElement, DataValue, ElementSource, IndicatorValue, Level
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
    # 1 derived element read for the year, 3 chunks, 3 codes (two indicators and the index), the save
    assert job.total == job.done == 1 + 3 + 3 + 1


def test_a_value_too_large_for_the_compact_column_comes_back_unchanged():
    column = recompute._Column(3)
    big = Decimal("12345678901234567890.1234")
    column.set(0, Decimal("1.5000"))
    column.set(2, big)
    assert column.get(0) == Decimal("1.5") and str(column.get(0)) == "1.5000"
    assert column.get(1) is None
    assert column.get(2) == big


def _rows_in_order() -> list[tuple]:
    """The year's rows in the order they were written (ties in rank are shown in this order)."""
    return list(
        IndicatorValue.objects.filter(academic_year=Y)
        .order_by("id")
        .values_list(
            "indicator__code", "level", "organization_id", "municipality_id", "region_id", "value", "rank"
        )
    )


@pytest.mark.parametrize("seed", [4, 5])
def test_the_array_roll_ups_write_the_rows_of_the_decimal_ones_in_the_same_order(seed, monkeypatch):
    _random_country(seed)
    services.values_recompute(actor=None, academic_year=Y, chunk_size=4)
    arrays = _rows_in_order()
    # the Decimal roll-ups (taken for values past 64 bits) over the same columns
    monkeypatch.setattr(recompute._Column, "compact", property(lambda self: False))
    services.values_recompute(actor=None, academic_year=Y, chunk_size=4)
    assert _rows_in_order() == arrays


def test_postgresql_copy_writes_the_rows_of_executemany(monkeypatch):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("COPY is used on PostgreSQL only")
    _random_country(6)
    services.values_recompute(actor=None, academic_year=Y, chunk_size=5)
    copied, copied_values = _rows_in_order(), _snapshot()[1]
    monkeypatch.setattr(bulk, "can_copy", lambda cursor: False)
    # from scratch again: an unchanged year would write nothing
    IndicatorValue.objects.filter(academic_year=Y).delete()
    DataValue.objects.filter(academic_year=Y, source=ElementSource.DERIVED).delete()
    services.values_recompute(actor=None, academic_year=Y, chunk_size=5)
    assert _rows_in_order() == copied
    assert _snapshot()[1] == copied_values


def test_values_stored_by_sqlite_are_read_as_the_model_field_reads_them():
    from django.db import connection

    from novator.monitoring.models import DataValue as Model

    stored = [0, 7, 2.5, 12.3457, 0.33335, 0.33325, -1.00005, 1234567890.1234, 9999999999.9999]
    field = Model._meta.get_field("value")
    if connection.vendor == "sqlite":
        convert = connection.ops.get_decimalfield_converter(field.get_col(Model._meta.db_table))
        expected = [convert(v, field.get_col(Model._meta.db_table), connection) for v in stored]
    else:  # the same rule: the nearest value with four places, half to even
        expected = [Decimal(repr(v)).quantize(Decimal("0.0001")) for v in stored]
    assert [columns.decimal_of(int(s)) for s in bulk.scaled_from_db(stored)] == expected


def test_the_derived_year_slices_exact_values_for_each_chunk(monkeypatch):
    """`_DerivedYear`: counts scaled as integers, a score quantized, a value past 64 bits kept exactly;
    a chunk gets 0 for a count not found and nothing for a score not found."""
    big = Decimal("12345678901234567890.1234")
    read = {
        "statuses_held": {5: 2, 9: 7},
        "readiness_score": {9: Decimal("3.14159"), 3: big},
    }
    monkeypatch.setattr(derivations, "derive_year", lambda codes, year: iter((c, read[c]) for c in codes))
    elements = [DataElement(pk=1, code="statuses_held"), DataElement(pk=2, code="readiness_score")]
    year = recompute._DerivedYear(AcademicYear(2023), elements, None)

    def rows(ids: list[int]) -> list[tuple[int, int, Decimal | None]]:
        element, orgs, values = year.chunk(np.array(ids, dtype=np.int64))
        pairs = zip(element.tolist(), orgs.tolist(), strict=True)
        return [(e, o, values.decimal(row)) for row, (e, o) in enumerate(pairs)]

    assert rows([3, 5]) == [(1, 3, 0), (1, 5, 2), (2, 3, big)]
    assert rows([9]) == [(1, 9, 7), (2, 9, Decimal("3.1416"))]
