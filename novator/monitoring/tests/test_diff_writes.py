"""The recomputation writes only what changed: the rows no longer computed are deleted, the changed ones
updated in place, the new ones inserted; the year ends exactly as a recomputation from scratch leaves it."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from novator.core.models import ActivityLog
from novator.monitoring import services
from novator.monitoring.engine import bulk, columns, derivations, recompute
from novator.monitoring.models import (
    DataElement,
    DataValue,
    ElementSource,
    Indicator,
    IndicatorValue,
    Level,
    MonitoringYear,
)
from novator.organizations.models import Organization
from novator.organizations.tests.factories import MunicipalityFactory, OrganizationFactory
from novator.statuses.tests.factories import StatusAssignmentFactory

from .factories import catalogue
from .test_chunks import _random_country

pytestmark = pytest.mark.django_db

Y = "2023/24"
_FIELDS = ("indicator__code", "level", "organization_id", "municipality_id", "region_id", "value", "rank")


def _rows() -> dict[int, tuple]:
    """The year's indicator rows by id."""
    return {
        row[0]: row[1:] for row in IndicatorValue.objects.filter(academic_year=Y).values_list("id", *_FIELDS)
    }


def _derived() -> dict[int, tuple]:
    """The year's derived values by id: (element, organisation, value, source, updated_at)."""
    return {
        row[0]: row[1:]
        for row in DataValue.objects.filter(
            academic_year=Y, element__source=ElementSource.DERIVED
        ).values_list("id", "element__code", "organization_id", "value", "source", "updated_at")
    }


def _content() -> tuple[list[tuple], list[tuple]]:
    """What the year holds, without ids and times (sorted lists: a duplicate row would show)."""
    return (
        sorted(_rows().values(), key=repr),
        sorted((row[:3] for row in _derived().values()), key=repr),
    )


def _from_scratch(chunk_size: int = recompute.CHUNK_SIZE) -> tuple[list[tuple], list[tuple]]:
    """What a recomputation into an empty year gives, with the rows as they were afterwards (savepoint)."""
    result: tuple[list[tuple], list[tuple]] = ([], [])

    class Undo(Exception):
        pass

    try:
        with transaction.atomic():
            IndicatorValue.objects.filter(academic_year=Y).delete()
            DataValue.objects.filter(academic_year=Y, element__source=ElementSource.DERIVED).delete()
            services.values_recompute(actor=None, academic_year=Y, chunk_size=chunk_size)
            result = _content()
            raise Undo
    except Undo:
        pass
    return result


def _counts() -> dict[str, int]:
    entry = ActivityLog.objects.filter(action="monitoring.recomputed").order_by("-id").first()
    assert entry is not None
    return dict(entry.changes)


def _written(counts: dict[str, int]) -> int:
    return sum(
        counts[f"{prefix}{kind}"]
        for prefix in ("", "derived_")
        for kind in ("inserted", "updated", "deleted")
    )


def _writes(queries: CaptureQueriesContext) -> list[str]:
    tables = (IndicatorValue._meta.db_table, DataValue._meta.db_table)
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE", "COPY"))
        and any(table in q["sql"] for table in tables)
    ]


def test_an_unchanged_year_writes_nothing():
    _random_country(7)
    services.values_recompute(actor=None, academic_year=Y, chunk_size=4)
    first = _counts()
    assert (
        first["inserted"] == first["values"] > 0 and first["derived_inserted"] == first["derived_values"] > 0
    )
    rows, derived = _rows(), _derived()
    with CaptureQueriesContext(connection) as queries:
        services.values_recompute(actor=None, academic_year=Y, chunk_size=4)
    assert _writes(queries) == []
    counts = _counts()
    assert _written(counts) == 0
    assert counts["values"] == len(rows) and counts["derived_values"] == len(derived)
    assert _rows() == rows and _derived() == derived  # same ids, same updated_at


def test_changing_one_collected_value_updates_only_the_rows_it_moves():
    orgs = _random_country(8)
    services.values_recompute(actor=None, academic_year=Y, chunk_size=5)
    before, derived = _rows(), _derived()
    org = next(o for o in orgs if DataValue.objects.filter(organization=o, element__code="partners").exists())
    DataValue.objects.filter(organization=org, element__code="partners", academic_year=Y).update(
        value=Decimal("7.5")
    )
    services.values_recompute(actor=None, academic_year=Y, chunk_size=5)
    after = _rows()
    assert set(after) == set(before)  # every row kept its id: nothing deleted, nothing inserted
    moved = {pk for pk in before if before[pk] != after[pk]}
    # its own values, the ranks of its municipality, the medians above it and the ranks of its region
    assert {pk for pk in moved if before[pk][2] == org.pk}
    assert {before[pk][2] for pk in moved if before[pk][1] == Level.ORGANIZATION} <= {
        o.pk for o in orgs if o.municipality_id == org.municipality_id
    }
    assert {before[pk][4] for pk in moved} == {org.municipality.region_id}
    assert all(before[pk][:5] == after[pk][:5] for pk in moved)  # the same object, another value or rank
    counts = _counts()
    assert counts["updated"] == len(moved) and counts["inserted"] == counts["deleted"] == 0
    assert _derived() == derived  # the derived values did not change: not written (updated_at kept)
    assert _content() == _from_scratch()


def test_a_derived_value_that_changed_is_updated_alone_with_its_time():
    orgs = _random_country(9)
    services.values_recompute(actor=None, academic_year=Y, chunk_size=3)
    derived = _derived()
    org = orgs[0]
    StatusAssignmentFactory(organization=org, starts_on=datetime.date(2023, 2, 1))
    services.values_recompute(actor=None, academic_year=Y, chunk_size=3)
    after = _derived()
    assert set(after) == set(derived)
    changed = {pk for pk in derived if derived[pk] != after[pk]}
    assert [after[pk][1] for pk in changed] == [org.pk]
    (pk,) = changed
    assert after[pk][2] == derived[pk][2] + 1 and after[pk][4] > derived[pk][4]
    assert _counts()["derived_updated"] == 1
    assert _content() == _from_scratch()


def test_an_organisation_that_became_inactive_loses_its_rows_and_a_new_one_gets_rows():
    orgs = _random_country(10)
    services.values_recompute(actor=None, academic_year=Y, chunk_size=4)
    before = _rows()
    gone = next(o for o in orgs[1:-1] if IndicatorValue.objects.filter(organization=o).exists())
    Organization.objects.filter(pk=gone.pk).update(is_active=False)
    elements = {e.code: e for e in DataElement.objects.all()}
    new = OrganizationFactory(municipality=orgs[0].municipality)
    for code, value in (("teachers", 40), ("teachers_involved", 10), ("partners", 3)):
        DataValue.objects.create(
            element=elements[code], organization=new, academic_year=Y, value=value, source="collected"
        )
    services.values_recompute(actor=None, academic_year=Y, chunk_size=4)
    after = _rows()
    assert not IndicatorValue.objects.filter(organization=gone).exists()
    assert not DataValue.objects.filter(organization=gone, element__source=ElementSource.DERIVED).exists()
    assert DataValue.objects.filter(organization=gone, element__code="teachers").exists()  # collected: kept
    assert IndicatorValue.objects.filter(organization=new, indicator__code="index").exists()
    assert DataValue.objects.filter(organization=new, element__code="statuses_held").exists()
    counts = _counts()
    assert counts["deleted"] == len(set(before) - set(after)) > 0
    assert counts["inserted"] == len(set(after) - set(before)) > 0
    assert counts["derived_deleted"] == counts["derived_inserted"] == 1
    # the rows of the other organisations kept their ids
    untouched = {pk for pk, row in before.items() if row[2] not in (gone.pk, None)}
    assert untouched <= set(after)
    assert _content() == _from_scratch()


def test_an_organisation_moved_to_another_municipality_has_its_row_rewritten(region):
    orgs = _random_country(11)
    services.values_recompute(actor=None, academic_year=Y)
    org = next(
        o
        for o in orgs[:-1]
        if IndicatorValue.objects.filter(organization=o, indicator__code="index").exists()
    )
    target = MunicipalityFactory(region=region)  # a municipality of another region, with no rows yet
    Organization.objects.filter(pk=org.pk).update(municipality=target)
    services.values_recompute(actor=None, academic_year=Y)
    row = IndicatorValue.objects.get(organization=org, indicator__code="index", academic_year=Y)
    assert (row.municipality_id, row.region_id, row.rank) == (target.pk, region.pk, 1)
    assert IndicatorValue.objects.filter(municipality=target, level=Level.MUNICIPALITY).exists()
    assert _content() == _from_scratch()


def test_the_rows_no_longer_computed_go(monkeypatch):
    orgs = _random_country(12)
    services.values_recompute(actor=None, academic_year=Y, chunk_size=4)
    # an indicator that computes nothing any more
    Indicator.objects.filter(code="partners").update(numerator="teachers_missing")
    # a derivation that answers for fewer organisations: the others' derived values go
    answered = {o.pk for o in orgs[::2]}
    monkeypatch.setitem(
        derivations.REGISTRY,
        "statuses_held",
        derivations.Derived(
            lambda year, ids: {pk: Decimal(2) for pk in answered if ids is None or pk in ids}, False
        ),
    )
    held = DataValue.objects.filter(academic_year=Y, element__code="statuses_held").count()
    services.values_recompute(actor=None, academic_year=Y, chunk_size=4)
    assert not IndicatorValue.objects.filter(indicator__code="partners").exists()
    kept = DataValue.objects.filter(academic_year=Y, element__code="statuses_held")
    assert set(kept.values_list("organization_id", flat=True)) == answered - {orgs[-1].pk}
    assert set(kept.values_list("value", flat=True)) == {Decimal(2)}
    counts = _counts()
    assert counts["derived_deleted"] == held - kept.count()
    assert _content() == _from_scratch(chunk_size=4)


def test_the_index_rows_go_when_there_are_no_weights(municipality):
    catalogue(weights=False)
    org = OrganizationFactory(municipality=municipality)
    index = services.index_indicator()
    IndicatorValue.objects.create(
        indicator=index,
        level=Level.ORGANIZATION,
        academic_year=Y,
        organization=org,
        municipality=municipality,
        region=municipality.region,
        value=Decimal(50),
        rank=1,
    )
    services.values_recompute(actor=None, academic_year=Y)
    assert not IndicatorValue.objects.filter(indicator=index).exists()
    assert _counts()["deleted"] == 1


def test_surplus_rows_and_a_derived_value_held_as_collected_are_put_right(municipality):
    elements = catalogue()
    orgs = [OrganizationFactory(municipality=municipality) for _ in range(3)]
    for org, teachers in zip(orgs, (10, 20, 30), strict=True):
        DataValue.objects.create(
            element=elements["teachers"],
            organization=org,
            academic_year=Y,
            value=teachers,
            source="collected",
        )
        DataValue.objects.create(
            element=elements["partners"], organization=org, academic_year=Y, value=2, source="collected"
        )
    services.values_recompute(actor=None, academic_year=Y)
    # a second copy of a row (no constraint forbids it) and a derived element's value marked collected
    row = IndicatorValue.objects.filter(academic_year=Y, level=Level.MUNICIPALITY).first()
    assert row is not None
    row.pk = None
    row.value += 1
    row.save()
    DataValue.objects.filter(organization=orgs[0], element=elements["statuses"]).update(source="collected")
    services.values_recompute(actor=None, academic_year=Y)
    counts = _counts()
    assert counts["deleted"] == 1 and counts["derived_updated"] == 1
    assert not DataValue.objects.filter(element=elements["statuses"], source="collected").exists()
    assert _content() == _from_scratch()


@pytest.mark.parametrize("seed", [13, 14, 15])
def test_after_random_changes_the_year_equals_a_recomputation_from_scratch(seed):
    rng = random.Random(seed)
    orgs = _random_country(seed)
    services.values_recompute(actor=None, academic_year=Y, chunk_size=rng.randint(1, 9))
    for _round in range(3):
        values = list(DataValue.objects.filter(academic_year=Y, source="collected"))
        for value in rng.sample(values, k=max(1, len(values) // 10)):
            if rng.random() < 0.2:
                value.delete()
            else:
                DataValue.objects.filter(pk=value.pk).update(value=value.value + rng.choice([-1, 1, 2, 5]))
        org = rng.choice(orgs)
        Organization.objects.filter(pk=org.pk).update(is_active=not org.is_active)
        StatusAssignmentFactory(organization=rng.choice(orgs), starts_on=datetime.date(2023, 3, 1))
        chunk_size = rng.randint(1, 9)
        services.values_recompute(actor=None, academic_year=Y, chunk_size=chunk_size)
        assert _content() == _from_scratch(chunk_size)


def test_the_decimal_roll_ups_replace_only_their_indicators_rows(monkeypatch):
    _random_country(16)
    services.values_recompute(actor=None, academic_year=Y, chunk_size=4)
    content = _content()
    monkeypatch.setattr(recompute._Column, "compact", property(lambda self: False))
    services.values_recompute(actor=None, academic_year=Y, chunk_size=4)
    counts = _counts()
    assert counts["deleted"] == counts["inserted"] == counts["values"] and counts["updated"] == 0
    assert counts["derived_inserted"] == 0  # the derived values are compared as always
    assert _content() == content
    monkeypatch.undo()
    services.values_recompute(actor=None, academic_year=Y, chunk_size=4)
    assert _written(_counts()) == 0  # the Decimal roll-ups wrote what the array ones compute


def test_the_year_is_stamped_and_recorded_even_when_nothing_changed(municipality):
    catalogue()
    OrganizationFactory(municipality=municipality)
    first = services.values_recompute(actor=None, academic_year=Y).computed_at
    second = services.values_recompute(actor=None, academic_year=Y).computed_at
    assert first is not None and second is not None and second >= first
    assert MonitoringYear.objects.get(academic_year=Y).computed_at == second
    assert ActivityLog.objects.filter(action="monitoring.recomputed").count() == 2


def test_stored_values_are_read_back_as_the_model_field_reads_them(municipality):
    """The held rows are compared as scaled integers read in SQL (SQLite: rounded in the query where the
    float is close to four places, else converted in Python) — exactly the model field's values."""
    elements = catalogue()
    stored: list[Any] = [0, 7, 2.5, 12.3457, 0.33335, 0.33325, -1.00005, 1234567890.1234, 9999999999.9999]
    orgs = [OrganizationFactory(municipality=municipality) for _ in stored]
    table = connection.ops.quote_name(DataValue._meta.db_table)
    with connection.cursor() as cursor:
        for org, value in zip(orgs, stored, strict=True):
            cursor.execute(
                f"INSERT INTO {table} (element_id, organization_id, academic_year, value, source, "
                "updated_at) VALUES (%s, %s, %s, %s, %s, %s)",
                [elements["teachers"].pk, org.pk, Y, value, "collected", datetime.datetime.now(datetime.UTC)],
            )
    held = recompute._held_values(Y, recompute._LOWEST, recompute._HIGHEST)
    read = {row[0]: row[3] for row in held.tolist()}
    expected = dict(DataValue.objects.values_list("id", "value"))
    assert {pk: columns.decimal_of(v) for pk, v in read.items()} == expected


def test_postgresql_updates_by_copy_equal_those_by_executemany(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("COPY is used on PostgreSQL only")
    orgs = _random_country(17)
    services.values_recompute(actor=None, academic_year=Y, chunk_size=5)
    DataValue.objects.filter(academic_year=Y, element__code="partners", organization__in=orgs[::3]).update(
        value=Decimal("4.25")
    )
    StatusAssignmentFactory(organization=orgs[1], starts_on=datetime.date(2023, 3, 1))
    kept = set(_rows())

    def recompute() -> tuple[set[tuple], dict[str, int]]:
        result: tuple[set[tuple], dict[str, int]] = (set(), {})

        class Undo(Exception):
            pass

        try:
            with transaction.atomic():
                services.values_recompute(actor=None, academic_year=Y, chunk_size=5)
                # the ids of the rows held before, the content of the new ones
                rows = {(pk if pk in kept else None, *row) for pk, row in _rows().items()}
                result = (rows | {row[:4] for row in _derived().values()}, _counts())
                raise Undo
        except Undo:
            pass
        return result

    copied = recompute()
    monkeypatch.setattr(bulk, "can_copy", lambda cursor: False)
    assert recompute() == copied
    assert copied[1]["updated"] > 0 and copied[1]["derived_updated"] == 1


@pytest.mark.django_db(transaction=True)
def test_two_recomputations_of_a_year_at_once_write_each_row_once():
    """The second waits for the first (a lock on the year) and finds its rows: no new row twice."""
    import threading

    from django.db import connections

    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (SQLite serialises writers)")
    _random_country(5)
    services.values_recompute(actor=None, academic_year=Y, chunk_size=4)
    # new organisations with values: both recomputations would insert their rows
    for org in Organization.objects.order_by("pk")[:3]:
        clone = OrganizationFactory(municipality=org.municipality)
        for value in DataValue.objects.filter(organization=org, academic_year=Y, source="collected"):
            DataValue.objects.create(
                element=value.element,
                organization=clone,
                academic_year=Y,
                value=value.value,
                source="collected",
            )
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            services.values_recompute(actor=None, academic_year=Y, chunk_size=4)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    rows, derived = _content()
    assert len(rows) == len(set(rows)) and len(derived) == len(set(derived))
    assert (rows, derived) == _from_scratch(chunk_size=4)


def test_derived_values_are_read_for_the_year_and_written_as_computed(monkeypatch):
    """The derivations are asked once for all organisations (ids None) and sliced by the chunks: a count
    is written as it is, a mean quantized to four places, the organisations a count did not find get 0;
    the next recomputation finds nothing to write."""
    orgs = [o for o in _random_country(9) if o.is_active]
    asked: list[list[int] | None] = []
    values: dict[int, derivations.Value] = {
        orgs[0].pk: 9_999_999_999,
        orgs[1].pk: Decimal("3.14159"),
        orgs[-1].pk: 7,
    }

    def statuses_held(year: Any, ids: list[int] | None) -> dict[int, derivations.Value]:
        asked.append(ids)
        return {pk: v for pk, v in values.items() if ids is None or pk in ids}

    monkeypatch.setitem(derivations.REGISTRY, "statuses_held", derivations.Derived(statuses_held))
    services.values_recompute(actor=None, academic_year=Y, chunk_size=2)
    assert asked == [None]
    stored = dict(
        DataValue.objects.filter(academic_year=Y, element__code="statuses_held").values_list(
            "organization_id", "value"
        )
    )
    assert stored == {
        **{o.pk: 0 for o in orgs},
        orgs[0].pk: Decimal("9999999999.0000"),
        orgs[1].pk: Decimal("3.1416"),
        orgs[-1].pk: 7,
    }
    services.values_recompute(actor=None, academic_year=Y, chunk_size=2)
    assert _counts()["derived_updated"] == _counts()["derived_inserted"] == 0
