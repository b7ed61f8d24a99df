"""Writes of the monitoring: catalogue, weights, collected values, publication and the recomputation."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from decimal import Context as DecimalContext
from decimal import Decimal, InvalidOperation
from itertools import islice, repeat
from typing import Any, cast

import numpy as np
import numpy.typing as npt
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from novator.core import audit
from novator.core.academic_year import AcademicYear
from novator.core.arrays import positions
from novator.core.jobs import Progress, enqueue_on_commit, job_create
from novator.core.models import Job
from novator.organizations.models import Organization

from . import columns, computing, derivations, formula
from .models import (
    INDEX_CODE,
    DataElement,
    DataValue,
    Direction,
    ElementSource,
    IndexWeightChange,
    Indicator,
    IndicatorValue,
    Level,
    MonitoringYear,
)

INDEX_NAME = "Индекс инновационного потенциала"


def _require(actor: Any, perm: str) -> None:
    if actor is not None and not actor.has_perm(perm):
        raise PermissionDenied(_("You may not change the monitoring."))


def _year(text: str) -> AcademicYear:
    try:
        return AcademicYear.parse(text)
    except ValueError:
        raise ValidationError(_("Write the academic year as 2022/23."), code="academic_year") from None


# --- catalogue -------------------------------------------------------------------------------------------


@transaction.atomic
def data_element_create(*, actor: Any, code: str, name: str, source: str, **fields: Any) -> DataElement:
    _require(actor, "monitoring.manage")
    if source == ElementSource.DERIVED and code not in derivations.REGISTRY:
        raise ValidationError(_("Novator has no derivation for the code %(code)s.") % {"code": code})
    element = DataElement(code=code, name=name, source=source, **fields)
    element.full_clean()
    element.save()
    audit.record(actor=actor, action="monitoring.element_created", obj=element)
    return element


def _check_formula(text: str, known: set[str]) -> None:
    unknown = formula.names(text) - known
    if unknown:
        raise ValidationError(
            _("Unknown data elements in the formula: %(codes)s.") % {"codes": ", ".join(sorted(unknown))},
            code="formula",
        )


@transaction.atomic
def indicator_create(
    *, actor: Any, code: str, name: str, numerator: str, denominator: str = "", **fields: Any
) -> Indicator:
    _require(actor, "monitoring.manage")
    if code == INDEX_CODE:
        raise ValidationError(_("The code %(code)s is reserved for the index.") % {"code": code})
    known = set(DataElement.objects.values_list("code", flat=True))
    if not numerator.strip():
        raise ValidationError(_("The numerator is required."), code="formula")
    _check_formula(numerator, known)
    _check_formula(denominator, known)
    indicator = Indicator(code=code, name=name, numerator=numerator, denominator=denominator, **fields)
    indicator.full_clean()
    indicator.save()
    audit.record(actor=actor, action="monitoring.indicator_created", obj=indicator)
    return indicator


def index_indicator() -> Indicator:
    indicator, _created = Indicator.objects.get_or_create(
        code=INDEX_CODE,
        defaults={
            "name": INDEX_NAME,
            "definition": "Взвешенная сумма нормированных показателей, 0–100 баллов.",
            "unit": "балл",
            "position": 0,
        },
    )
    return indicator


@transaction.atomic
def index_weights_change(
    *, actor: Any, weights: Mapping[str, Mapping[str, Any]], note: str = ""
) -> IndexWeightChange:
    """A new version of the weights and reference bounds: {code: {weight, lower, upper}}."""
    _require(actor, "monitoring.manage")
    known = set(Indicator.objects.exclude(code=INDEX_CODE).values_list("code", flat=True))
    clean: dict[str, dict[str, float]] = {}
    for code, spec in weights.items():
        if code not in known:
            raise ValidationError(_("Unknown indicator: %(code)s.") % {"code": code}, code="weights")
        try:
            weight, lower, upper = (Decimal(str(spec[k])) for k in ("weight", "lower", "upper"))
        except (KeyError, InvalidOperation, TypeError):
            raise ValidationError(
                _("Give the weight and both reference bounds of %(code)s as numbers.") % {"code": code},
                code="weights",
            ) from None
        if weight < 0:
            raise ValidationError(
                _("A weight may not be negative (%(code)s).") % {"code": code}, code="weights"
            )
        if upper <= lower:
            raise ValidationError(
                _("The upper reference bound of %(code)s must exceed the lower one.") % {"code": code},
                code="weights",
            )
        clean[code] = {"weight": float(weight), "lower": float(lower), "upper": float(upper)}
    if not any(spec["weight"] > 0 for spec in clean.values()):
        raise ValidationError(_("At least one indicator needs a positive weight."), code="weights")
    previous = IndexWeightChange.objects.first()
    change = IndexWeightChange.objects.create(
        created_by=actor if getattr(actor, "is_authenticated", False) else None, note=note, weights=clean
    )
    audit.record(
        actor=actor,
        action="monitoring.weights_changed",
        obj=change,
        changes={"weights": [previous.weights if previous else None, clean]},
    )
    return change


# --- collected values ------------------------------------------------------------------------------------


def _validate_values(
    values: Mapping[str, Decimal | None],
    elements: dict[str, DataElement],
    bounds: Mapping[str, Decimal | None],
) -> None:
    errors: dict[str, list[str]] = defaultdict(list)
    for code, value in values.items():
        element = elements.get(code)
        if element is None or element.source != ElementSource.COLLECTED:
            errors[code].append(_("This data element is not collected."))
            continue
        if value is None:
            continue
        if element.is_integer and value != value.to_integral_value():
            errors[code].append(_("Enter a whole number."))
        if element.min_value is not None and value < element.min_value:
            errors[code].append(
                _("The value may not be less than %(min)s.") % {"min": element.min_value.normalize()}
            )
        if element.max_value is not None and value > element.max_value:
            errors[code].append(
                _("The value may not exceed %(max)s.") % {"max": element.max_value.normalize()}
            )
        limit = element.not_greater_than
        if limit is not None:
            bound = bounds.get(limit.code)
            if bound is not None and value > bound:
                errors[code].append(_("The value may not exceed “%(name)s”.") % {"name": limit.name})
    if errors:
        raise ValidationError({code: list(messages) for code, messages in errors.items()})


@transaction.atomic
def data_values_record(
    *, actor: Any, organization: Organization, academic_year: str, values: Mapping[str, Decimal | None]
) -> int:
    """Record collected values of one organisation and year (all checked first; nothing saved on error).
    A None clears the value. Returns the number of values written."""
    _require(actor, "monitoring.manage")
    _year(academic_year)
    elements = {e.code: e for e in DataElement.objects.select_related("not_greater_than")}
    # the cross-field rule compares with the value already held when the form leaves the bound out
    held = dict(
        DataValue.objects.filter(organization=organization, academic_year=academic_year).values_list(
            "element__code", "value"
        )
    )
    merged: dict[str, Decimal | None] = {**held, **values}
    # check the submitted values, and the held ones whose bound is being changed (teachers ≥ involved)
    bound_of = {
        code: e.not_greater_than.code for code, e in elements.items() if e.not_greater_than is not None
    }
    checked = {
        code: value for code, value in merged.items() if code in values or bound_of.get(code) in values
    }
    _validate_values(checked, elements, merged)
    written = 0
    for code, value in values.items():
        element = elements[code]
        if value is None:
            DataValue.objects.filter(
                element=element, organization=organization, academic_year=academic_year
            ).delete()
            continue
        DataValue.objects.update_or_create(
            element=element,
            organization=organization,
            academic_year=academic_year,
            defaults={"value": value, "source": ElementSource.COLLECTED},
        )
        written += 1
    audit.record(
        actor=actor,
        action="monitoring.values_recorded",
        obj=organization,
        changes={"academic_year": academic_year, "values": {k: str(v) for k, v in values.items()}},
    )
    return written


# --- publication and recomputation -----------------------------------------------------------------------


@transaction.atomic
def year_publish(*, actor: Any, academic_year: str, published: bool = True) -> MonitoringYear:
    _require(actor, "monitoring.manage")
    year = MonitoringYear.objects.select_for_update(of=("self",)).filter(academic_year=academic_year).first()
    if year is None or year.computed_at is None:
        raise ValidationError(
            _("The values of %(year)s have not been computed yet.") % {"year": academic_year}
        )
    if year.published != published:
        year.published = published
        year.save(update_fields=["published"])
        audit.record(
            actor=actor, action="monitoring.published" if published else "monitoring.unpublished", obj=year
        )
    return year


def _q(value: Decimal) -> Decimal:
    return value.quantize(computing.Q4)


#: Organisations per chunk of the recomputation: their derived values, raw values and indicators are
#: computed together; only one scaled integer per organisation and indicator is kept across chunks.
CHUNK_SIZE = 2000
#: Rows per INSERT (or per block of COPY) when writing the values.
WRITE_BATCH = 2000
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


def _batched_create(model: type[Model], rows: Iterable[Model], size: int) -> int:
    """bulk_create from a generator, `size` rows at a time (never the whole list in memory)."""
    written = 0
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        model._default_manager.bulk_create(batch, batch_size=size)
        written += len(batch)
    return written


def _can_copy(driver_cursor: Any) -> bool:
    """PostgreSQL through psycopg 3 takes rows by COPY (psycopg2 has no `copy`)."""
    return connection.vendor == "postgresql" and hasattr(driver_cursor, "copy")


def _insert_rows(model: type[Model], fields: list[str], batches: Iterable[list[tuple[Any, ...]]]) -> int:
    """Insert plain tuples (values ready for the driver, in the order of `fields`) without building model
    instances: one COPY on PostgreSQL (psycopg 3), `executemany` in batches elsewhere."""
    meta = model._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    concrete = {f.name: f.column for f in meta.concrete_fields}
    names = ", ".join(quote(concrete[name]) for name in fields)
    written = 0
    with connection.cursor() as cursor:
        driver_cursor = cursor.cursor
        if _can_copy(driver_cursor):
            with driver_cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for batch in batches:
                    for row in batch:
                        copy.write_row(row)
                    written += len(batch)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"  # noqa: S608 - names, not input
            for batch in batches:
                if batch:
                    cursor.executemany(sql, batch)
                    written += len(batch)
    return written


def _fetch_ints(sql: str, params: Iterable[Any], width: int) -> npt.NDArray[np.int64]:
    """The rows of an all-integer query as an (n, width) array, read in blocks (no list of all tuples)."""
    blocks = []
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        while rows := cursor.fetchmany(10_000):
            blocks.append(np.array(rows, dtype=np.int64).reshape(-1, width))
    return np.concatenate(blocks) if blocks else np.empty((0, width), dtype=np.int64)


_SQLITE_DECIMAL = DecimalContext(prec=15)


def _scaled_from_db(values: list[Any]) -> npt.NDArray[np.int64]:
    """Stored DecimalField values as scaled integers, equal to what the model field would read. SQLite
    gives ints and floats: Django reads a float through 15 significant digits and quantizes to 4 places,
    which is the nearest scaled integer unless the float is not a 4-place decimal and close to a half."""
    if values and all(type(v) in (int, float) for v in values):
        floats = np.array(values, dtype=np.float64) * columns.SCALE
        rounded = np.rint(floats)
        clean = (np.abs(floats - rounded) < 1e-3) & (np.abs(floats) < 2**50)
        result = np.where(clean, rounded, 0).astype(np.int64)
        unclean = np.flatnonzero(~clean).tolist()
    else:
        result = np.zeros(len(values), dtype=np.int64)
        unclean = list(range(len(values)))
    for row in unclean:
        value = values[row]
        if not isinstance(value, Decimal):
            value = _SQLITE_DECIMAL.create_decimal_from_float(value)
        result[row] = columns.scaled_of(value.quantize(computing.Q4))
    return result


def _raw_values(
    label: str, ids: npt.NDArray[np.int64], element_rows: Mapping[int, int], count: int
) -> npt.NDArray[np.int64]:
    """The year's values of the organisations `ids` (ascending), one row per data element of
    `element_rows` ({element id: row}) and one column per organisation, scaled, MISSING where none."""
    matrix = np.full((count, len(ids)), columns.MISSING, dtype=np.int64)
    if not len(ids) or not count:
        return matrix
    table = connection.ops.quote_name(DataValue._meta.db_table)
    postgres = connection.vendor == "postgresql"
    value = "CAST(value * 10000 AS BIGINT)" if postgres else "value"  # numeric(14,4): exact
    # SQLite (no statistics) would scan the whole year by the (academic_year, element) index for every
    # chunk; the unary plus leaves it the organisation index, a range of the chunk's rows
    year_column = "+academic_year" if connection.vendor == "sqlite" else "academic_year"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT organization_id, element_id, {value} FROM {table} "  # noqa: S608 - names, not input
            f"WHERE {year_column} = %s AND organization_id >= %s AND organization_id <= %s",
            [label, int(ids[0]), int(ids[-1])],
        )
        rows = cursor.fetchall()
    if not rows:
        return matrix
    orgs, elements, values = zip(*rows, strict=True)
    scaled = np.array(values, dtype=np.int64) if postgres else _scaled_from_db(list(values))
    known = np.array(list(element_rows), dtype=np.int64)
    at = positions(known, np.array(elements, dtype=np.int64))
    row_of = np.array(list(element_rows.values()), dtype=np.int64)[at]
    column = positions(ids, np.array(orgs, dtype=np.int64))  # -1: an inactive organisation in the range
    wanted = (at >= 0) & (column >= 0)
    matrix[row_of[wanted], column[wanted]] = scaled[wanted]
    return matrix


@transaction.atomic
def values_recompute(
    *, actor: Any = None, academic_year: str, progress: Progress | None = None, chunk_size: int = CHUNK_SIZE
) -> MonitoringYear:
    """Refresh the derived values of the year and recompute every indicator and the index for every
    active organisation, rolled up to municipalities and the region (medians). Replaces the year's rows,
    so it may run again at any time.

    The organisations are worked through in chunks of `chunk_size` (derived values, raw values and
    indicators of one chunk at a time, written in batches); across chunks only one compact integer per
    organisation and indicator is kept, from which the ranks and the medians over *all* organisations of
    a municipality or region are taken at the end. The arithmetic is done on whole columns
    (`columns`, exactly the Decimal results) and the rows are written as plain tuples (COPY on
    PostgreSQL). One transaction: readers see the old rows or the new ones, never a mix."""
    year = _year(academic_year)
    label = str(year)
    chunk_size = max(1, chunk_size)
    org_sql, org_params = (
        Organization.objects.filter(is_active=True)
        .order_by("pk")
        .values_list("pk", "municipality_id", "municipality__region_id")
        .query.sql_with_params()
    )
    orgs = _fetch_ints(org_sql, org_params, 3)
    org_ids, org_municipalities, org_regions = (np.ascontiguousarray(orgs[:, i]) for i in range(3))
    del orgs
    size = len(org_ids)
    derived = [
        e for e in DataElement.objects.filter(source=ElementSource.DERIVED) if e.code in derivations.REGISTRY
    ]
    indicators = list(Indicator.objects.exclude(code=INDEX_CODE))
    weights = IndexWeightChange.objects.first()
    index = index_indicator()
    directions = {i.code: i.direction == Direction.HIGHER for i in indicators}
    codes = [i.code for i in indicators] + ([INDEX_CODE] if weights is not None else [])
    starts = list(range(0, size, chunk_size))
    if progress is not None:
        progress.set_total(len(starts) + len(codes) + 1)

    results = {code: _Column(size) for code in codes}
    # the data elements the formulas use, one row each in the chunk's matrix of raw values
    used = sorted(
        {name for i in indicators for name in formula.names(i.numerator) | formula.names(i.denominator)}
    )
    element_rows = {
        pk: used.index(code) for pk, code in DataElement.objects.values_list("pk", "code") if code in used
    }
    DataValue.objects.filter(element__in=derived, academic_year=label).delete()
    updated_at = DataValue._meta.get_field("updated_at").get_db_prep_value(timezone.now(), connection)
    derived_fields = ["element", "organization", "academic_year", "value", "source", "updated_at"]
    for start in starts:
        ids = org_ids[start : start + chunk_size]
        chunk = ids.tolist()
        # 1. derived data elements of the chunk: one aggregate query (or a few) per element
        for element in derived:
            found = derivations.derive(element.code, year, chunk)
            _insert_rows(
                DataValue,
                derived_fields,
                [
                    [
                        (element.pk, org, label, _q(v), ElementSource.DERIVED.value, updated_at)
                        for org, v in found.items()
                    ]
                ],
            )
        # 2. indicators and the index of the chunk's organisations, from their raw values
        raw = _raw_values(label, ids, element_rows, len(used))
        inputs = {code: raw[row] for row, code in enumerate(used)}
        computed: dict[str, columns.Chunk] = {}
        for indicator in indicators:
            computed[indicator.code] = columns.indicator_column(
                numerator=indicator.numerator,
                denominator=indicator.denominator,
                factor=indicator.factor,
                inputs=inputs,
                size=len(ids),
            )
            results[indicator.code].put(start, computed[indicator.code])
        if weights is not None:
            results[INDEX_CODE].put(
                start, columns.composite_column(computed, weights.weights, directions, len(ids))
            )
        if progress is not None:
            progress.step(
                message=_("Organisations %(done)s of %(total)s")
                % {"done": min(start + chunk_size, size), "total": size}
            )
    if weights is not None:
        directions[INDEX_CODE] = True

    # 3. roll-ups (medians over all the organisations) and ranks; replace the year's rows in batches
    by_code = {i.code: i for i in indicators}
    by_code[INDEX_CODE] = index
    IndicatorValue.objects.filter(academic_year=label).delete()
    written = 0
    for code in codes:
        column = results.pop(code)
        better = directions.get(code, True)
        if column.compact:
            rollup = columns.rollup(column.data, org_municipalities, org_regions, higher_is_better=better)
            written += _insert_rows(
                IndicatorValue,
                _INDICATOR_FIELDS,
                _rollup_batches(
                    by_code[code].pk, label, rollup, column.data, org_ids, org_municipalities, org_regions
                ),
            )
        else:
            orgs_list = list(
                zip(org_ids.tolist(), org_municipalities.tolist(), org_regions.tolist(), strict=True)
            )
            written += _batched_create(
                IndicatorValue, _rollup_rows(by_code[code], column, orgs_list, label, better), WRITE_BATCH
            )
        if progress is not None:
            progress.step(message=by_code[code].name)
    monitoring_year, _created = MonitoringYear.objects.get_or_create(academic_year=label)
    monitoring_year.computed_at = timezone.now()
    monitoring_year.weights = weights
    monitoring_year.save(update_fields=["computed_at", "weights"])
    audit.record(
        actor=actor, action="monitoring.recomputed", obj=monitoring_year, changes={"values": written}
    )
    if progress is not None:
        progress.step(message=_("Saved"))
    return monitoring_year


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


def _numbers(scaled: npt.NDArray[np.int64]) -> list[Any]:
    """Scaled integers as values for the driver: floats (exact up to 15 digits), Decimals past that."""
    if not scaled.size or np.abs(scaled).max() < _FLOAT_EXACT:
        return cast(list[Any], (scaled / columns.SCALE).tolist())
    return [columns.decimal_of(s) for s in scaled.tolist()]


def _rollup_batches(
    indicator: int,
    label: str,
    rollup: columns.Rollup,
    values: npt.NDArray[np.int64],
    org_ids: npt.NDArray[np.int64],
    municipalities: npt.NDArray[np.int64],
    regions: npt.NDArray[np.int64],
) -> Iterator[list[tuple[Any, ...]]]:
    """The rows of one indicator as tuples of _INDICATOR_FIELDS, WRITE_BATCH at a time, in the order of
    `columns.Rollup`: organisations, then per region its municipalities and the region."""
    for begin in range(0, len(rollup.org_rows), WRITE_BATCH):
        rows = rollup.org_rows[begin : begin + WRITE_BATCH]
        yield list(
            zip(
                repeat(indicator),
                repeat(Level.ORGANIZATION.value),
                repeat(label),
                org_ids[rows].tolist(),
                municipalities[rows].tolist(),
                regions[rows].tolist(),
                _numbers(values[rows]),
                rollup.org_ranks[begin : begin + WRITE_BATCH].tolist(),
                strict=False,
            )
        )
    batch: list[tuple[Any, ...]] = []
    municipal_values = _numbers(rollup.municipality_values)
    region_values = _numbers(rollup.region_values)
    begin = 0
    for region, count, region_value in zip(
        rollup.regions.tolist(), rollup.region_sizes.tolist(), region_values, strict=True
    ):
        stop = begin + count
        batch += zip(
            repeat(indicator),
            repeat(Level.MUNICIPALITY.value),
            repeat(label),
            repeat(None),
            rollup.municipalities[begin:stop].tolist(),
            repeat(region),
            municipal_values[begin:stop],
            rollup.municipality_ranks[begin:stop].tolist(),
            strict=False,
        )
        batch.append((indicator, Level.REGION.value, label, None, None, region, region_value, None))
        begin = stop
        if len(batch) >= WRITE_BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


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


def recompute_enqueue(*, actor: Any, academic_year: str) -> Job:
    """A job that recomputes the year in the background (after the current transaction commits). A job
    of the same year still waiting in the queue is reused: it will see everything committed before it
    starts (approving thirty forms in a row queues one recomputation, not thirty)."""
    _require(actor, "monitoring.manage")
    label = str(_year(academic_year))
    from .tasks import recompute_task

    title = _("Recompute the monitoring of %(year)s") % {"year": label}
    with transaction.atomic():
        waiting = Job.objects.filter(
            kind="monitoring.recompute", title=title, state=Job.State.QUEUED, started_at__isnull=True
        ).first()
        if waiting is not None:
            return waiting
        job = job_create(actor=actor, kind="monitoring.recompute", title=title)
        enqueue_on_commit(recompute_task, label, str(job.pk))
    return job
