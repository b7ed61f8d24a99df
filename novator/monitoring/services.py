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


#: SQLite: the marker of a stored float that is not that close to a four-place decimal (read again).
_UNCLEAN = columns.MISSING


def _scaled_column(name: str) -> str:
    """The SQL that reads a stored decimal exactly as a scaled integer. PostgreSQL: numeric(n, 4) × 10⁴ is
    a whole number. SQLite stores a float (or an integer): the nearest integer of value × 10⁴ where
    `_scaled_from_db` would take it (the same float arithmetic and bounds), else _UNCLEAN, for
    `_fetch_scaled` to convert that value in Python."""
    quoted = connection.ops.quote_name(name)
    if connection.vendor == "postgresql":
        return f"CAST({quoted} * 10000 AS BIGINT)"
    scaled = f"({quoted} * {columns.SCALE})"
    return (
        f"CASE WHEN abs({scaled} - round({scaled})) < 1e-3 AND abs({scaled}) < {2**50} "
        f"THEN CAST(round({scaled}) AS INTEGER) ELSE {_UNCLEAN} END"
    )


def _fetch_scaled(
    sql: str, params: Iterable[Any], width: int, value_at: int, model: type[Model]
) -> npt.NDArray[np.int64]:
    """`_fetch_ints` of a query of `model`'s rows whose first column is the id and whose column `value_at`
    is `_scaled_column("value")`: the values scaled exactly as the model field would read them (the
    values SQLite could not convert are read again by id and converted by `_scaled_from_db`)."""
    result = _fetch_ints(sql, params, width)
    if connection.vendor == "postgresql":
        return result
    unclean = np.flatnonzero(result[:, value_at] == _UNCLEAN)
    table = connection.ops.quote_name(model._meta.db_table)
    for begin in range(0, len(unclean), 500):
        rows = unclean[begin : begin + 500]
        ids = result[rows, 0].tolist()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, value FROM {table} "  # noqa: S608 - names, not input
                f"WHERE id IN ({', '.join(['%s'] * len(ids))})",
                ids,
            )
            stored = dict(cursor.fetchall())
        result[rows, value_at] = _scaled_from_db([stored[i] for i in ids])
    return result


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
    return _fetch_scaled(
        f"SELECT id, organization_id, element_id, {_scaled_column('value')}, "  # noqa: S608 - names, not input
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


def _match(
    new_group: npt.NDArray[np.int64],
    new_key: npt.NDArray[np.int64],
    old_group: npt.NDArray[np.int64],
    old_key: npt.NDArray[np.int64],
) -> npt.NDArray[np.intp]:
    """For each old row, the index of the new row with the same (group, key), -1 where there is none.
    New keys are distinct within a group; of old rows sharing a key only the first is matched (the others
    are surplus: -1)."""
    at = np.full(len(old_key), -1, dtype=np.intp)
    for group in np.unique(new_group).tolist():
        new_rows = np.flatnonzero(new_group == group)
        old_rows = np.flatnonzero(old_group == group)
        found = positions(new_key[new_rows], old_key[old_rows])
        at[old_rows] = np.where(found >= 0, new_rows[found], -1)
    matched = np.flatnonzero(at >= 0)
    if len(matched) and np.bincount(at[matched]).max() > 1:  # never written so, but no constraint forbids it
        _distinct, first = np.unique(at[matched], return_index=True)
        surplus = np.ones(len(matched), dtype=bool)
        surplus[first] = False
        at[matched[surplus]] = -1
    return at


class _Diff:
    """How the held rows become the computed ones: the held rows to delete (`stale`), the held rows to
    rewrite with a computed one (`changed`, `changed_to`: indexes of held and computed rows) and the
    computed rows to insert (`fresh`)."""

    __slots__ = ("changed", "changed_to", "fresh", "stale")

    def __init__(
        self,
        at: npt.NDArray[np.intp],
        differs: npt.NDArray[np.bool_],
        size: int,
    ) -> None:
        """`at`: each held row's computed row (-1: none); `differs`: per held row with at ≥ 0, in order,
        whether it differs from its computed row; `size`: the number of computed rows."""
        kept = np.flatnonzero(at >= 0)
        self.stale = np.flatnonzero(at < 0)
        self.changed = kept[differs]
        self.changed_to = at[self.changed]
        covered = np.zeros(size, dtype=bool)
        covered[at[kept]] = True
        self.fresh = np.flatnonzero(~covered)


def _delete_ids(model: type[Model], ids: npt.NDArray[np.int64]) -> int:
    """Delete rows by id, WRITE_BATCH at a time."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        for begin in range(0, len(ids), WRITE_BATCH):
            batch = ids[begin : begin + WRITE_BATCH].tolist()
            if connection.vendor == "postgresql":
                cursor.execute(f"DELETE FROM {table} WHERE id = ANY(%s::bigint[])", [batch])  # noqa: S608
            else:
                cursor.executemany(f"DELETE FROM {table} WHERE id = %s", [(i,) for i in batch])  # noqa: S608
    return len(ids)


def _update_rows(model: type[Model], fields: list[str], batches: Iterable[list[tuple[Any, ...]]]) -> int:
    """Update rows by id from plain tuples (the id, then the values of `fields`): on PostgreSQL (psycopg 3)
    a COPY into a temporary table and one UPDATE … FROM, elsewhere `executemany` of UPDATE … WHERE id.
    Inside a transaction (the temporary table is dropped at its end at the latest)."""
    meta = model._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    concrete = {f.name: f.column for f in meta.concrete_fields}
    names = [quote(concrete[name]) for name in fields]
    written = 0
    with connection.cursor() as cursor:
        driver_cursor = cursor.cursor
        if _can_copy(driver_cursor):
            temporary = quote(f"novator_update_{meta.db_table}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {temporary} ON COMMIT DROP AS "  # noqa: S608 - names, not input
                f"SELECT id, {', '.join(names)} FROM {table} WITH NO DATA"
            )
            with driver_cursor.copy(f"COPY {temporary} (id, {', '.join(names)}) FROM STDIN") as copy:
                for batch in batches:
                    for row in batch:
                        copy.write_row(row)
                    written += len(batch)
            if written:
                # the planner then knows its size: an index scan for a few rows, a hash join for many
                cursor.execute(f"ANALYZE {temporary}")
                assignments = ", ".join(f"{name} = u.{name}" for name in names)
                cursor.execute(
                    f"UPDATE {table} AS t SET {assignments} "  # noqa: S608 - names, not input
                    f"FROM {temporary} AS u WHERE t.id = u.id"
                )
            cursor.execute(f"DROP TABLE {temporary}")
        else:
            assignments = ", ".join(f"{name} = %s" for name in names)
            sql = f"UPDATE {table} SET {assignments} WHERE id = %s"  # noqa: S608 - names, not input
            for batch in batches:
                if batch:
                    cursor.executemany(sql, [(*row[1:], row[0]) for row in batch])
                    written += len(batch)
    return written


class _Written:
    """Rows inserted, updated and deleted, and how many the year holds after the recomputation."""

    __slots__ = ("deleted", "held", "inserted", "updated")

    def __init__(self) -> None:
        self.held = self.inserted = self.updated = self.deleted = 0

    def as_dict(self, prefix: str = "") -> dict[str, int]:
        return {
            f"{prefix}inserted": self.inserted,
            f"{prefix}updated": self.updated,
            f"{prefix}deleted": self.deleted,
        }


_DERIVED_FIELDS = ["element", "organization", "academic_year", "value", "source", "updated_at"]


def _write_derived(
    held: npt.NDArray[np.int64],
    derived_ids: npt.NDArray[np.int64],
    found: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64], list[Decimal]],
    label: str,
    updated_at: Any,
    written: _Written,
) -> None:
    """Make the held rows of the derived elements (`held`: rows of `_held_values`) the computed ones
    (`found`: element, organisation, scaled value and the Decimal of each): delete the rows no longer
    computed, update the changed ones (value, source, `updated_at`), insert the new ones."""
    elements, orgs, scaled, values = found
    mine = held[np.isin(held[:, 2], derived_ids)]
    at = _match(elements, orgs, mine[:, 2], mine[:, 1])
    kept = at[at >= 0]
    differs = (mine[at >= 0, 3] != scaled[kept]) | (mine[at >= 0, 4] != 1)
    differs |= scaled[kept] == columns.OUTSIDE  # the marker is not the value: write it again
    diff = _Diff(at, differs, len(orgs))
    written.held += len(orgs)
    written.deleted += _delete_ids(DataValue, mine[diff.stale, 0])
    derived = ElementSource.DERIVED.value
    if len(diff.changed):
        written.updated += _update_rows(
            DataValue,
            ["value", "source", "updated_at"],
            [
                [
                    (row_id, values[to], derived, updated_at)
                    for row_id, to in zip(
                        mine[diff.changed, 0].tolist(), diff.changed_to.tolist(), strict=True
                    )
                ]
            ],
        )
    if len(diff.fresh):
        written.inserted += _insert_rows(
            DataValue,
            _DERIVED_FIELDS,
            [
                [
                    (element, org, label, values[row], derived, updated_at)
                    for element, org, row in zip(
                        elements[diff.fresh].tolist(),
                        orgs[diff.fresh].tolist(),
                        diff.fresh.tolist(),
                        strict=True,
                    )
                ]
            ],
        )


def _derive_chunk(
    derived: list[DataElement], year: AcademicYear, chunk: list[int]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64], list[Decimal]]:
    """The derived values of the chunk's organisations: element ids, organisation ids, scaled values and
    the values (quantized Decimals, as written), one aggregate query (or a few) per element."""
    elements: list[npt.NDArray[np.int64]] = []
    orgs: list[npt.NDArray[np.int64]] = []
    values: list[Decimal] = []
    for element in derived if chunk else []:
        found = derivations.derive(element.code, year, chunk)
        elements.append(np.full(len(found), element.pk, dtype=np.int64))
        orgs.append(np.fromiter(found, dtype=np.int64, count=len(found)))
        values += [_q(v) for v in found.values()]
    empty = np.empty(0, dtype=np.int64)
    return (
        np.concatenate(elements) if elements else empty,
        np.concatenate(orgs) if orgs else empty,
        np.array([columns.scaled_of(v) for v in values], dtype=np.int64),
        values,
    )


@transaction.atomic
def values_recompute(
    *, actor: Any = None, academic_year: str, progress: Progress | None = None, chunk_size: int = CHUNK_SIZE
) -> MonitoringYear:
    """Refresh the derived values of the year and recompute every indicator and the index for every
    active organisation, rolled up to municipalities and the region (medians). Makes the year's rows
    what they compute to, so it may run again at any time: writes only what changed (the rows no longer
    computed are deleted, the changed ones updated, the new ones inserted; an unchanged year writes
    nothing but the year's `computed_at` and the audit record).

    The organisations are worked through in chunks of `chunk_size` (the rows held for them, derived
    values, raw values and indicators of one chunk at a time, written in batches); across chunks only one
    compact integer per organisation and indicator is kept, from which the ranks and the medians over
    *all* organisations of a municipality or region are taken at the end, one indicator at a time and
    compared with that indicator's rows (read as integer columns). The arithmetic is done on whole
    columns (`columns`, exactly the Decimal results) and the rows are written as plain tuples (COPY on
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
    derived_ids = np.array([e.pk for e in derived], dtype=np.int64)
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
    updated_at = DataValue._meta.get_field("updated_at").get_db_prep_value(timezone.now(), connection)
    derived_written = _Written()
    # the chunks' id ranges cover every id (the rows of inactive organisations lie between them)
    lowest = [_LOWEST, *(int(org_ids[s]) for s in starts[1:])]
    highest = [*(low - 1 for low in lowest[1:]), _HIGHEST]
    for start, low, high in zip(starts or [0], lowest, highest, strict=True):
        ids = org_ids[start : start + chunk_size]
        held = _held_values(label, low, high) if derived or len(ids) else np.empty((0, 5), np.int64)
        # 1. derived data elements of the chunk: one aggregate query (or a few) per element, compared
        # with the rows held
        found = _derive_chunk(derived, year, ids.tolist())
        if derived:
            _write_derived(held, derived_ids, found, label, updated_at, derived_written)
        if not len(ids):
            continue
        # 2. indicators and the index of the chunk's organisations, from their raw values (the derived
        # ones as just computed)
        other = ~np.isin(held[:, 2], derived_ids)
        raw = _raw_values(
            ids,
            np.concatenate([held[other, 1], found[1]]),
            np.concatenate([held[other, 2], found[0]]),
            np.concatenate([held[other, 3], found[2]]),
            element_rows,
            len(used),
        )
        del held
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

    # 3. roll-ups (medians over all the organisations) and ranks, compared with the rows held, one
    # indicator at a time; the rows of the indicators not computed (the index without weights) go
    by_code = {i.code: i for i in indicators}
    by_code[INDEX_CODE] = index
    written = _Written()
    computed_ids = {by_code[code].pk for code in codes}
    gone = [pk for pk in Indicator.objects.values_list("pk", flat=True) if pk not in computed_ids]
    if gone:
        written.deleted += IndicatorValue.objects.filter(
            academic_year=label, level__in=_LEVEL_NAMES, indicator__in=gone
        ).delete()[0]
    for code in codes:
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
            written.deleted += _delete_ids(IndicatorValue, held_rows[:, 0])
            orgs_list = list(
                zip(org_ids.tolist(), org_municipalities.tolist(), org_regions.tolist(), strict=True)
            )
            count = _batched_create(
                IndicatorValue, _rollup_rows(by_code[code], column, orgs_list, label, better), WRITE_BATCH
            )
            written.inserted += count
            written.held += count
        del held_rows  # before the next indicator's rows are read
        if progress is not None:
            progress.step(message=by_code[code].name)
    monitoring_year, _created = MonitoringYear.objects.get_or_create(academic_year=label)
    monitoring_year.computed_at = timezone.now()
    monitoring_year.weights = weights
    monitoring_year.save(update_fields=["computed_at", "weights"])
    audit.record(
        actor=actor,
        action="monitoring.recomputed",
        obj=monitoring_year,
        changes={
            "values": written.held,
            **written.as_dict(),
            "derived_values": derived_written.held,
            **derived_written.as_dict("derived_"),
        },
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
    return _fetch_scaled(
        f"SELECT id, CASE level {levels} END, COALESCE(organization_id, {_NULL}), "  # noqa: S608
        f"COALESCE(municipality_id, {_NULL}), region_id, {_scaled_column('value')}, COALESCE(rank, {_NULL}) "
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
    indicator: int, label: str, held: npt.NDArray[np.int64], rows: npt.NDArray[np.int64], written: _Written
) -> None:
    """Make the held rows of one indicator (`_held_indicator_rows`) the computed ones (`_rollup_columns`):
    delete the rows no longer computed, update the changed ones, insert the new ones (in the order of
    `rows`). A row is found by its level and its object (the organisation, municipality or region)."""
    keys = np.choose(rows[:, 0], [rows[:, 1], rows[:, 2], rows[:, 3]])
    # a level number outside 0–2 cannot be held: the SELECT reads only the three levels
    held_keys = np.choose(held[:, 1], [held[:, 2], held[:, 3], held[:, 4]]) if len(held) else held[:, 0]
    at = _match(rows[:, 0], keys, held[:, 1], held_keys)
    kept = np.flatnonzero(at >= 0)
    differs = np.zeros(len(kept), dtype=bool)
    for column in range(1, 6):  # organization, municipality, region, value, rank; a column at a time
        differs |= held[kept, column + 1] != rows[at[kept], column]
    diff = _Diff(at, differs, len(rows))
    written.held += len(rows)
    written.deleted += _delete_ids(IndicatorValue, held[diff.stale, 0])
    if len(diff.changed):
        written.updated += _update_rows(
            IndicatorValue,
            ["organization", "municipality", "region", "value", "rank"],
            _indicator_batches(indicator, label, rows[diff.changed_to], held[diff.changed, 0]),
        )
    if len(diff.fresh):
        written.inserted += _insert_rows(
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
