"""Rows of a table read and written as columns, for the monitoring's recomputation: integer queries into
numpy arrays, stored decimals read exactly as scaled integers (as the model field would read them), and
plain tuples inserted (COPY on PostgreSQL), updated and deleted in batches without model instances; and
the matching of held rows with computed ones by key (`match`, `Diff`). No knowledge of the monitoring's
tables beyond what a caller passes."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Context as DecimalContext
from decimal import Decimal
from itertools import islice
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connection
from django.db.models import Model

from novator.core.arrays import positions

from . import columns, computing

#: Rows per INSERT (or per block of COPY), per UPDATE batch and per DELETE.
WRITE_BATCH = 2000


def batched_create(model: type[Model], rows: Iterable[Model], size: int) -> int:
    """bulk_create from a generator, `size` rows at a time (never the whole list in memory)."""
    written = 0
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        model._default_manager.bulk_create(batch, batch_size=size)
        written += len(batch)
    return written


def can_copy(driver_cursor: Any) -> bool:
    """PostgreSQL through psycopg 3 takes rows by COPY (psycopg2 has no `copy`)."""
    return connection.vendor == "postgresql" and hasattr(driver_cursor, "copy")


def insert_rows(model: type[Model], fields: list[str], batches: Iterable[list[tuple[Any, ...]]]) -> int:
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
        if can_copy(driver_cursor):
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


def fetch_ints(sql: str, params: Iterable[Any], width: int) -> npt.NDArray[np.int64]:
    """The rows of an all-integer query as an (n, width) array, read in blocks (no list of all tuples)."""
    blocks = []
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        while rows := cursor.fetchmany(10_000):
            blocks.append(np.array(rows, dtype=np.int64).reshape(-1, width))
    return np.concatenate(blocks) if blocks else np.empty((0, width), dtype=np.int64)


_SQLITE_DECIMAL = DecimalContext(prec=15)


def scaled_from_db(values: list[Any]) -> npt.NDArray[np.int64]:
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
UNCLEAN = columns.MISSING


def scaled_column(name: str) -> str:
    """The SQL that reads a stored decimal exactly as a scaled integer. PostgreSQL: numeric(n, 4) × 10⁴ is
    a whole number. SQLite stores a float (or an integer): the nearest integer of value × 10⁴ where
    `scaled_from_db` would take it (the same float arithmetic and bounds), else UNCLEAN, for
    `fetch_scaled` to convert that value in Python."""
    quoted = connection.ops.quote_name(name)
    if connection.vendor == "postgresql":
        return f"CAST({quoted} * 10000 AS BIGINT)"
    scaled = f"({quoted} * {columns.SCALE})"
    return (
        f"CASE WHEN abs({scaled} - round({scaled})) < 1e-3 AND abs({scaled}) < {2**50} "
        f"THEN CAST(round({scaled}) AS INTEGER) ELSE {UNCLEAN} END"
    )


def fetch_scaled(
    sql: str, params: Iterable[Any], width: int, value_at: int, model: type[Model]
) -> npt.NDArray[np.int64]:
    """`fetch_ints` of a query of `model`'s rows whose first column is the id and whose column `value_at`
    is `scaled_column("value")`: the values scaled exactly as the model field would read them (the
    values SQLite could not convert are read again by id and converted by `scaled_from_db`)."""
    result = fetch_ints(sql, params, width)
    if connection.vendor == "postgresql":
        return result
    unclean = np.flatnonzero(result[:, value_at] == UNCLEAN)
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
        result[rows, value_at] = scaled_from_db([stored[i] for i in ids])
    return result


def match(
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


class Diff:
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


def delete_ids(model: type[Model], ids: npt.NDArray[np.int64]) -> int:
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


def update_rows(model: type[Model], fields: list[str], batches: Iterable[list[tuple[Any, ...]]]) -> int:
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
        if can_copy(driver_cursor):
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


class Written:
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
