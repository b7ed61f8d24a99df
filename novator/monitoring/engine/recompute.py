"""The monitoring's recomputation of a year: the derived values, every indicator and the index of every
active organisation, the roll-ups to municipalities and regions (ranks, medians), written as the
difference from the rows the year holds. Computed on columns (`columns`), read and written as columns
(`bulk`). `services.values_recompute` runs it in its transaction and records the audit."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from itertools import repeat
from typing import Any, cast

import numpy as np
import numpy.typing as npt
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from novator.core.academic_year import AcademicYear
from novator.core.arrays import positions
from novator.core.jobs import Progress
from novator.organizations.models import Organization

from ..models import (
    INDEX_CODE,
    DataElement,
    DataValue,
    Direction,
    ElementSource,
    IndexWeightChange,
    Indicator,
    IndicatorValue,
    Level,
    index_indicator,
)
from . import bulk, columns, computing, derivations, formula
from .bulk import WRITE_BATCH


def _q(value: Decimal) -> Decimal:
    return value.quantize(computing.Q4)


#: Organisations per chunk of the recomputation: their derived values, raw values and indicators are
#: computed together; only one scaled integer per organisation and indicator is kept across chunks.
CHUNK_SIZE = 2000
#: Counts below this are scaled in 64-bit integers (× 10⁴ stays below columns.OUTSIDE).
_COUNT_LIMIT = 10**12
#: Past this (in units of 0.0001) a value is written as a Decimal: a float holds 15 digits exactly.
_FLOAT_EXACT = 10**15
#: Past this the roll-ups of a column are taken with Decimal (sums of two values must fit 64 bits).
_ROLLUP_LIMIT = 2**61


class _Column:
    """One indicator's values for every organisation, by the organisation's position: the value
    (quantized to 4 places) times 10⁴ as a 64-bit integer, so 85,000 organisations take 680 kB instead of
    85,000 Decimal objects in a dict. Exact: `get` gives back the same Decimal that was `set`."""

    __slots__ = ("data", "outside")

    def __init__(self, size: int) -> None:
        self.data = np.full(size, columns.MISSING, dtype=np.int64)
        self.outside: dict[int, Decimal] = {}  # values too large for 64 bits (never in practice)

    def set(self, position: int, value: Decimal) -> None:
        scaled = columns.scaled_of(value)
        self.data[position] = scaled
        if scaled == columns.OUTSIDE:
            self.outside[position] = value

    def get(self, position: int) -> Decimal | None:
        scaled = int(self.data[position])
        if scaled == columns.MISSING:
            return None
        if scaled == columns.OUTSIDE:
            return self.outside[position]
        return columns.decimal_of(scaled)

    def put(self, start: int, chunk: columns.Chunk) -> None:
        self.data[start : start + len(chunk.scaled)] = chunk.scaled
        for row, value in chunk.outside.items():
            self.outside[start + row] = value

    def chunk(self, start: int, stop: int) -> columns.Chunk:
        return columns.Chunk(
            self.data[start:stop],
            {p - start: v for p, v in self.outside.items() if start <= p < stop},
        )

    @property
    def compact(self) -> bool:
        """True when every value is a plain 64-bit integer small enough for the array roll-ups."""
        present = self.data[self.data != columns.MISSING]
        return not self.outside and not (present.size and np.abs(present).max() >= _ROLLUP_LIMIT)


#: No value in a column read with COALESCE(…, -1): a NULL foreign key or rank (ids and ranks are positive).
_NULL = -1
#: The biggest and smallest 64-bit integers: the open ends of the first and the last chunk's id range.
_LOWEST, _HIGHEST = -(2**63), 2**63 - 1


def _held_values(label: str, lowest: int, highest: int) -> npt.NDArray[np.int64]:
    """The year's DataValue rows of the organisations lowest…highest (ids, inclusive), active or not:
    (id, organization, element, scaled value, 1 when the source is derived) per row."""
    table = connection.ops.quote_name(DataValue._meta.db_table)
    # SQLite (no statistics) would scan the whole year by the (academic_year, element) index for every
    # chunk; the unary plus leaves it the organisation index, a range of the chunk's rows
    year_column = "+academic_year" if connection.vendor == "sqlite" else "academic_year"
    return bulk.fetch_scaled(
        f"SELECT id, organization_id, element_id, {bulk.scaled_column('value')}, "  # noqa: S608 - names, not input
        f"CASE WHEN source = %s THEN 1 ELSE 0 END FROM {table} "
        f"WHERE {year_column} = %s AND organization_id >= %s AND organization_id <= %s",
        [ElementSource.DERIVED.value, label, lowest, highest],
        5,
        value_at=3,
        model=DataValue,
    )


def _raw_values(
    ids: npt.NDArray[np.int64],
    orgs: npt.NDArray[np.int64],
    elements: npt.NDArray[np.int64],
    scaled: npt.NDArray[np.int64],
    element_rows: Mapping[int, int],
    count: int,
) -> npt.NDArray[np.int64]:
    """The values (`orgs`, `elements`, `scaled`: one per stored row) of the organisations `ids`
    (ascending) as a matrix: one row per data element of `element_rows` ({element id: row}) and one
    column per organisation, MISSING where none. Values of other elements or organisations are left out."""
    matrix = np.full((count, len(ids)), columns.MISSING, dtype=np.int64)
    if not len(ids) or not count or not len(orgs):
        return matrix
    known = np.array(list(element_rows), dtype=np.int64)
    at = positions(known, elements)
    row_of = np.array(list(element_rows.values()), dtype=np.int64)[at]
    column = positions(ids, orgs)  # -1: an inactive organisation in the range
    wanted = (at >= 0) & (column >= 0)
    matrix[row_of[wanted], column[wanted]] = scaled[wanted]
    return matrix


_DERIVED_FIELDS = ["element", "organization", "academic_year", "value", "source", "updated_at"]


class _DerivedYear:
    """Every derived element's values for the year as columns (organisation ids ascending and a
    `columns.Chunk` of their scaled values), each element read for all organisations at once — a family's
    elements by one query — and sliced by the chunks: one pass over the year's rows instead of one query
    per element for every chunk of 2,000 organisations (which also spelled the chunk's 2,000 ids into some
    queries). At country scale the derivations took 3.0 s in chunks on SQLite. Counts are scaled in
    integers, other values quantized like the stored ones."""

    def __init__(self, year: AcademicYear, derived: list[DataElement], progress: Progress | None) -> None:
        self.elements = derived
        self._columns: dict[int, tuple[npt.NDArray[np.int64], columns.Chunk]] = {}
        by_code = {element.code: element for element in derived}
        for code, found in derivations.derive_year(list(by_code), year):
            self._columns[by_code[code].pk] = self._column(found)
            if progress is not None:
                progress.step(message=by_code[code].name)

    @staticmethod
    def _column(found: dict[int, derivations.Value]) -> tuple[npt.NDArray[np.int64], columns.Chunk]:
        count = len(found)
        orgs = np.fromiter(found, dtype=np.int64, count=count)
        order = np.argsort(orgs, kind="stable")
        values = list(found.values())
        counts = np.fromiter(values, dtype=np.int64, count=count) if set(map(type, values)) <= {int} else None
        if counts is not None and (not count or np.abs(counts).max() < _COUNT_LIMIT):
            return orgs[order], columns.Chunk(counts[order] * columns.SCALE)
        column = columns.Chunk(np.empty(count, dtype=np.int64))
        for row, at in enumerate(order.tolist()):
            column.put(row, _q(Decimal(values[at])))
        return orgs[order], column

    def chunk(self, ids: npt.NDArray[np.int64]) -> _Derived:
        """The chunk's derived values: element ids, organisation ids and their values (a `columns.Chunk`),
        one row per organisation and element (0 where a count found nothing; nothing where a score found
        nothing)."""
        elements, orgs, scaled = [], [], []
        outside: dict[int, Decimal] = {}
        rows = 0
        for element in self.elements:
            held_orgs, held = self._columns[element.pk]
            at = positions(held_orgs, ids)
            if derivations.REGISTRY[element.code].zero_default:
                mine, taken = ids, at
            else:
                mine, taken = ids[at >= 0], at[at >= 0]
            values = np.zeros(len(mine), dtype=np.int64)
            values[taken >= 0] = held.scaled[taken[taken >= 0]]
            for row in np.flatnonzero(values == columns.OUTSIDE).tolist():
                outside[rows + row] = held.outside[int(taken[row])]
            elements.append(np.full(len(mine), element.pk, dtype=np.int64))
            orgs.append(mine)
            scaled.append(values)
            rows += len(mine)
        empty = np.empty(0, dtype=np.int64)
        return (
            np.concatenate(elements) if elements else empty,
            np.concatenate(orgs) if orgs else empty,
            columns.Chunk(np.concatenate(scaled) if scaled else empty, outside),
        )


#: The derived values of a chunk: element ids, organisation ids and the values.
_Derived = tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], columns.Chunk]


def _write_derived(
    held: npt.NDArray[np.int64],
    derived_ids: npt.NDArray[np.int64],
    found: _Derived,
    label: str,
    updated_at: Any,
    written: bulk.Written,
) -> None:
    """Make the held rows of the derived elements (`held`: rows of `_held_values`) the computed ones
    (`found`: element, organisation and value of each): delete the rows no longer computed, update the
    changed ones (value, source, `updated_at`), insert the new ones."""
    elements, orgs, values = found
    scaled = values.scaled
    mine = held[np.isin(held[:, 2], derived_ids)]
    at = bulk.match(elements, orgs, mine[:, 2], mine[:, 1])
    kept = at[at >= 0]
    differs = (mine[at >= 0, 3] != scaled[kept]) | (mine[at >= 0, 4] != 1)
    differs |= scaled[kept] == columns.OUTSIDE  # the marker is not the value: write it again
    diff = bulk.Diff(at, differs, len(orgs))
    written.held += len(orgs)
    written.deleted += bulk.delete_ids(DataValue, mine[diff.stale, 0])
    derived = ElementSource.DERIVED.value
    if len(diff.changed):
        written.updated += bulk.update_rows(
            DataValue,
            ["value", "source", "updated_at"],
            [
                [
                    (row_id, values.decimal(to), derived, updated_at)
                    for row_id, to in zip(
                        mine[diff.changed, 0].tolist(), diff.changed_to.tolist(), strict=True
                    )
                ]
            ],
        )
    if len(diff.fresh):
        written.inserted += bulk.insert_rows(
            DataValue,
            _DERIVED_FIELDS,
            [
                [
                    (element, org, label, values.decimal(row), derived, updated_at)
                    for element, org, row in zip(
                        elements[diff.fresh].tolist(),
                        orgs[diff.fresh].tolist(),
                        diff.fresh.tolist(),
                        strict=True,
                    )
                ]
            ],
        )


@dataclass
class Recomputed:
    """What a recomputation wrote: the rows of the indicators and of the derived values (held, inserted,
    updated, deleted), and the index weights it used."""

    weights: IndexWeightChange | None
    written: bulk.Written
    derived_written: bulk.Written

    def changes(self) -> dict[str, Any]:
        """The figures the audit records."""
        return {
            "values": self.written.held,
            **self.written.as_dict(),
            "derived_values": self.derived_written.held,
            **self.derived_written.as_dict("derived_"),
        }


@dataclass
class _Plan:
    """What a year's recomputation works on: the active organisations in columns, the derived elements,
    the indicators and the index weights."""

    year: AcademicYear
    label: str
    org_ids: npt.NDArray[np.int64]
    org_municipalities: npt.NDArray[np.int64]
    org_regions: npt.NDArray[np.int64]
    derived: list[DataElement]
    derived_ids: npt.NDArray[np.int64]
    indicators: list[Indicator]
    weights: IndexWeightChange | None
    directions: dict[str, bool]
    codes: list[str]
    #: the data elements the formulas use, one row each in the chunk's matrix of raw values
    used: list[str]
    element_rows: dict[int, int]


def _plan(year: AcademicYear) -> _Plan:
    org_sql, org_params = (
        Organization.objects.filter(is_active=True)
        .order_by("pk")
        .values_list("pk", "municipality_id", "municipality__region_id")
        .query.sql_with_params()
    )
    orgs = bulk.fetch_ints(org_sql, org_params, 3)
    org_ids, org_municipalities, org_regions = (np.ascontiguousarray(orgs[:, i]) for i in range(3))
    del orgs
    derived = [
        e for e in DataElement.objects.filter(source=ElementSource.DERIVED) if e.code in derivations.REGISTRY
    ]
    indicators = list(Indicator.objects.exclude(code=INDEX_CODE))
    weights = IndexWeightChange.objects.first()
    used = sorted(
        {name for i in indicators for name in formula.names(i.numerator) | formula.names(i.denominator)}
    )
    return _Plan(
        year=year,
        label=str(year),
        org_ids=org_ids,
        org_municipalities=org_municipalities,
        org_regions=org_regions,
        derived=derived,
        derived_ids=np.array([e.pk for e in derived], dtype=np.int64),
        indicators=indicators,
        weights=weights,
        directions={i.code: i.direction == Direction.HIGHER for i in indicators},
        codes=[i.code for i in indicators] + ([INDEX_CODE] if weights is not None else []),
        used=used,
        element_rows={
            pk: used.index(code) for pk, code in DataElement.objects.values_list("pk", "code") if code in used
        },
    )


def _chunk_columns(
    plan: _Plan, ids: npt.NDArray[np.int64], held: npt.NDArray[np.int64], found: _Derived
) -> tuple[dict[str, columns.Chunk], columns.Chunk | None]:
    """The indicators and the index of a chunk's organisations, from their raw values (the derived ones
    as just computed, the others as held)."""
    other = ~np.isin(held[:, 2], plan.derived_ids)
    raw = _raw_values(
        ids,
        np.concatenate([held[other, 1], found[1]]),
        np.concatenate([held[other, 2], found[0]]),
        np.concatenate([held[other, 3], found[2].scaled]),
        plan.element_rows,
        len(plan.used),
    )
    inputs = {code: raw[row] for row, code in enumerate(plan.used)}
    computed: dict[str, columns.Chunk] = {
        indicator.code: columns.indicator_column(
            numerator=indicator.numerator,
            denominator=indicator.denominator,
            factor=indicator.factor,
            inputs=inputs,
            size=len(ids),
        )
        for indicator in plan.indicators
    }
    if plan.weights is None:
        return computed, None
    return computed, columns.composite_column(computed, plan.weights.weights, plan.directions, len(ids))


def _organisation_columns(
    plan: _Plan, progress: Progress | None, chunk_size: int, derived_written: bulk.Written
) -> dict[str, _Column]:
    """Steps 1 and 2, a chunk of organisations at a time: the derived values written as the difference
    from the rows held, and each indicator's (and the index's) column for all the organisations."""
    org_ids, label, size = plan.org_ids, plan.label, len(plan.org_ids)
    starts = list(range(0, size, chunk_size))
    if progress is not None:
        progress.set_total(len(plan.derived) + len(starts) + len(plan.codes) + 1)
    results = {code: _Column(size) for code in plan.codes}
    updated_at = DataValue._meta.get_field("updated_at").get_db_prep_value(timezone.now(), connection)
    derived_year = _DerivedYear(plan.year, plan.derived, progress)
    # the chunks' id ranges cover every id (the rows of inactive organisations lie between them)
    lowest = [_LOWEST, *(int(org_ids[s]) for s in starts[1:])]
    highest = [*(low - 1 for low in lowest[1:]), _HIGHEST]
    for start, low, high in zip(starts or [0], lowest, highest, strict=True):
        ids = org_ids[start : start + chunk_size]
        held = _held_values(label, low, high) if plan.derived or len(ids) else np.empty((0, 5), np.int64)
        # 1. derived data elements of the chunk (read for the year before the chunks), compared with the
        # rows held
        found = derived_year.chunk(ids)
        if plan.derived:
            _write_derived(held, plan.derived_ids, found, label, updated_at, derived_written)
        if not len(ids):
            continue
        # 2. indicators and the index of the chunk's organisations
        computed, index_column = _chunk_columns(plan, ids, held, found)
        del held
        for code, chunk in computed.items():
            results[code].put(start, chunk)
        if index_column is not None:
            results[INDEX_CODE].put(start, index_column)
        if progress is not None:
            progress.step(
                message=_("Organisations %(done)s of %(total)s")
                % {"done": min(start + chunk_size, size), "total": size}
            )
    return results


def _write_rollups(
    plan: _Plan, results: dict[str, _Column], progress: Progress | None, written: bulk.Written
) -> None:
    """Step 3: the roll-ups (medians over all the organisations) and ranks, compared with the rows held,
    one indicator at a time; the rows of the indicators not computed (the index without weights) go."""
    label = plan.label
    directions = dict(plan.directions)
    if plan.weights is not None:
        directions[INDEX_CODE] = True
    by_code: dict[str, Indicator] = {i.code: i for i in plan.indicators}
    by_code[INDEX_CODE] = index_indicator()
    computed_ids = {by_code[code].pk for code in plan.codes}
    gone = [pk for pk in Indicator.objects.values_list("pk", flat=True) if pk not in computed_ids]
    if gone:
        written.deleted += IndicatorValue.objects.filter(
            academic_year=label, level__in=_LEVEL_NAMES, indicator__in=gone
        ).delete()[0]
    org_ids, org_municipalities, org_regions = plan.org_ids, plan.org_municipalities, plan.org_regions
    for code in plan.codes:
        column = results.pop(code)
        better = directions.get(code, True)
        pk = by_code[code].pk
        held_rows = _held_indicator_rows(pk, label)
        if column.compact:
            rollup = columns.rollup(column.data, org_municipalities, org_regions, higher_is_better=better)
            rows = _rollup_columns(rollup, column.data, org_ids, org_municipalities, org_regions)
            del rollup, column
            _write_indicator(pk, label, held_rows, rows, written)
            del rows
        else:
            # values past 64 bits (never in practice): Decimal roll-ups, the indicator's rows replaced
            written.deleted += bulk.delete_ids(IndicatorValue, held_rows[:, 0])
            orgs_list = list(
                zip(org_ids.tolist(), org_municipalities.tolist(), org_regions.tolist(), strict=True)
            )
            count = bulk.batched_create(
                IndicatorValue, _rollup_rows(by_code[code], column, orgs_list, label, better), WRITE_BATCH
            )
            written.inserted += count
            written.held += count
        del held_rows  # before the next indicator's rows are read
        if progress is not None:
            progress.step(message=by_code[code].name)


def recompute_year(
    year: AcademicYear, *, progress: Progress | None = None, chunk_size: int = CHUNK_SIZE
) -> Recomputed:
    """Refresh the derived values of the year and recompute every indicator and the index for every
    active organisation, rolled up to municipalities and the region (medians), writing only what changed
    (the rows no longer computed are deleted, the changed ones updated, the new ones inserted).

    The organisations are worked through in chunks of `chunk_size` (the rows held for them, derived
    values, raw values and indicators of one chunk at a time, written in batches); across chunks only one
    compact integer per organisation and indicator is kept, from which the ranks and the medians over
    *all* organisations of a municipality or region are taken at the end, one indicator at a time and
    compared with that indicator's rows (read as integer columns). The arithmetic is done on whole
    columns (`columns`, exactly the Decimal results) and the rows are written as plain tuples (COPY on
    PostgreSQL). Runs inside the caller's transaction (`services.values_recompute`), which holds the
    year's lock."""
    plan = _plan(year)
    derived_written = bulk.Written()
    results = _organisation_columns(plan, progress, max(1, chunk_size), derived_written)
    written = bulk.Written()
    _write_rollups(plan, results, progress, written)
    return Recomputed(weights=plan.weights, written=written, derived_written=derived_written)


_INDICATOR_FIELDS = [
    "indicator",
    "level",
    "academic_year",
    "organization",
    "municipality",
    "region",
    "value",
    "rank",
]
#: The levels by their number in the columns of rows (0, 1, 2).
_LEVEL_NAMES = [Level.ORGANIZATION.value, Level.MUNICIPALITY.value, Level.REGION.value]


def _numbers(scaled: npt.NDArray[np.int64]) -> list[Any]:
    """Scaled integers as values for the driver: floats (exact up to 15 digits), Decimals past that."""
    if not scaled.size or np.abs(scaled).max() < _FLOAT_EXACT:
        return cast(list[Any], (scaled / columns.SCALE).tolist())
    return [columns.decimal_of(s) for s in scaled.tolist()]


def _nullable(ids: npt.NDArray[np.int64]) -> list[int | None]:
    """Ids (or ranks) for the driver, None for _NULL."""
    values: list[int | None] = ids.tolist()
    if (ids == _NULL).any():
        values = [None if v == _NULL else v for v in values]
    return values


def _held_indicator_rows(indicator: int, label: str) -> npt.NDArray[np.int64]:
    """The year's rows of one indicator: (id, level number, organization, municipality, region, scaled
    value, rank) per row, _NULL for a NULL."""
    table = connection.ops.quote_name(IndicatorValue._meta.db_table)
    levels = " ".join(f"WHEN %s THEN {number}" for number in range(len(_LEVEL_NAMES)))
    return bulk.fetch_scaled(
        f"SELECT id, CASE level {levels} END, COALESCE(organization_id, {_NULL}), "  # noqa: S608
        f"COALESCE(municipality_id, {_NULL}), region_id, {bulk.scaled_column('value')}, "
        f"COALESCE(rank, {_NULL}) "
        f"FROM {table} WHERE academic_year = %s AND level IN (%s, %s, %s) AND indicator_id = %s",
        [*_LEVEL_NAMES, label, *_LEVEL_NAMES, indicator],
        7,
        value_at=5,
        model=IndicatorValue,
    )


def _rollup_columns(
    rollup: columns.Rollup,
    values: npt.NDArray[np.int64],
    org_ids: npt.NDArray[np.int64],
    municipalities: npt.NDArray[np.int64],
    regions: npt.NDArray[np.int64],
) -> npt.NDArray[np.int64]:
    """The rows of one indicator as columns (level number, organization, municipality, region, scaled
    value, rank; _NULL for a NULL), in the order of `columns.Rollup`: organisations, then per region its
    municipalities and the region."""
    rows = rollup.org_rows
    n_orgs, n_municipalities, n_regions = len(rows), len(rollup.municipalities), len(rollup.regions)
    out = np.empty((n_orgs + n_municipalities + n_regions, 6), dtype=np.int64)
    # region i's municipalities come after those of the regions before it and their i region rows
    region_of = np.repeat(np.arange(n_regions), rollup.region_sizes)
    municipal = n_orgs + np.arange(n_municipalities) + region_of
    regional = n_orgs + np.cumsum(rollup.region_sizes) + np.arange(n_regions)
    parts: list[tuple[Any, list[Any]]] = [
        (
            slice(0, n_orgs),
            [0, org_ids[rows], municipalities[rows], regions[rows], values[rows], rollup.org_ranks],
        ),
        (
            municipal,
            [
                1,
                _NULL,
                rollup.municipalities,
                rollup.municipality_regions,
                rollup.municipality_values,
                rollup.municipality_ranks,
            ],
        ),
        (regional, [2, _NULL, _NULL, rollup.regions, rollup.region_values, _NULL]),
    ]
    for where, fields in parts:  # a column at a time: no temporary of the whole block
        for at, field in enumerate(fields):
            out[where, at] = field
    return out


def _indicator_batches(
    indicator: int, label: str, rows: npt.NDArray[np.int64], ids: npt.NDArray[np.int64] | None = None
) -> Iterator[list[tuple[Any, ...]]]:
    """Rows of `_rollup_columns` WRITE_BATCH at a time: tuples of _INDICATOR_FIELDS to insert, or with
    `ids` (one per row) tuples (id, organization, municipality, region, value, rank) to update."""
    for begin in range(0, len(rows), WRITE_BATCH):
        block = rows[begin : begin + WRITE_BATCH]
        values = (
            _nullable(block[:, 1]),
            _nullable(block[:, 2]),
            block[:, 3].tolist(),
            _numbers(block[:, 4]),
            _nullable(block[:, 5]),
        )
        if ids is not None:
            yield list(zip(ids[begin : begin + WRITE_BATCH].tolist(), *values, strict=True))
            continue
        levels = [_LEVEL_NAMES[level] for level in block[:, 0].tolist()]
        yield list(zip(repeat(indicator), levels, repeat(label), *values, strict=False))


def _write_indicator(
    indicator: int,
    label: str,
    held: npt.NDArray[np.int64],
    rows: npt.NDArray[np.int64],
    written: bulk.Written,
) -> None:
    """Make the held rows of one indicator (`_held_indicator_rows`) the computed ones (`_rollup_columns`):
    delete the rows no longer computed, update the changed ones, insert the new ones (in the order of
    `rows`). A row is found by its level and its object (the organisation, municipality or region)."""
    keys = np.choose(rows[:, 0], [rows[:, 1], rows[:, 2], rows[:, 3]])
    # a level number outside 0–2 cannot be held: the SELECT reads only the three levels
    held_keys = np.choose(held[:, 1], [held[:, 2], held[:, 3], held[:, 4]]) if len(held) else held[:, 0]
    at = bulk.match(rows[:, 0], keys, held[:, 1], held_keys)
    kept = np.flatnonzero(at >= 0)
    differs = np.zeros(len(kept), dtype=bool)
    for column in range(1, 6):  # organization, municipality, region, value, rank; a column at a time
        differs |= held[kept, column + 1] != rows[at[kept], column]
    diff = bulk.Diff(at, differs, len(rows))
    written.held += len(rows)
    written.deleted += bulk.delete_ids(IndicatorValue, held[diff.stale, 0])
    if len(diff.changed):
        written.updated += bulk.update_rows(
            IndicatorValue,
            ["organization", "municipality", "region", "value", "rank"],
            _indicator_batches(indicator, label, rows[diff.changed_to], held[diff.changed, 0]),
        )
    if len(diff.fresh):
        written.inserted += bulk.insert_rows(
            IndicatorValue, _INDICATOR_FIELDS, _indicator_batches(indicator, label, rows[diff.fresh])
        )


def _rollup_rows(
    indicator: Indicator, column: _Column, orgs: list[tuple[int, int, int]], label: str, better: bool
) -> Iterator[IndicatorValue]:
    """The rows of one indicator with Decimal arithmetic, for a column the array roll-ups cannot take
    (values past 64 bits): organisations (ranked within their municipality), municipalities (medians,
    ranked within the region) and regions (the median of all their organisations)."""
    by_municipality: dict[int, dict[int, Decimal]] = defaultdict(dict)
    region_of: dict[int, int] = {}
    for position, (org, municipality, region) in enumerate(orgs):
        value = column.get(position)
        if value is not None:
            by_municipality[municipality][org] = value
            region_of[municipality] = region
    municipal_medians: dict[int, Decimal] = {}
    for municipality, values in by_municipality.items():
        org_ranks = computing.ranks(values, higher_is_better=better)
        region = region_of[municipality]
        for org, value in values.items():
            yield IndicatorValue(
                indicator=indicator,
                level=Level.ORGANIZATION,
                academic_year=label,
                organization_id=org,
                municipality_id=municipality,
                region_id=region,
                value=value,
                rank=org_ranks[org],
            )
        municipal_medians[municipality] = computing.median_nonempty(values.values())
    for region in dict.fromkeys(region_of.values()):
        medians = {m: v for m, v in municipal_medians.items() if region_of[m] == region}
        m_ranks = computing.ranks(medians, higher_is_better=better)
        for municipality, value in medians.items():
            yield IndicatorValue(
                indicator=indicator,
                level=Level.MUNICIPALITY,
                academic_year=label,
                municipality_id=municipality,
                region_id=region,
                value=value,
                rank=m_ranks[municipality],
            )
        yield IndicatorValue(
            indicator=indicator,
            level=Level.REGION,
            academic_year=label,
            region_id=region,
            value=computing.median_nonempty(
                v for m, values in by_municipality.items() if region_of[m] == region for v in values.values()
            ),
        )
