"""The demo for tests: loaded through the services once per test process, then restored from a snapshot.

A full `load_demo` costs 15–20 s of CPU (every row goes through the services, with its audit and its
recomputations). A test module that needs the demo calls `load_demo_once()` instead: the first call runs
the real loader and copies every table's rows; each later call (in the next module, in the other
database run's next process) deletes the contents of those tables and writes the copied rows back, in
about a second, and returns a copy of the loader's context.

What is copied: every table of the database, including the library's FTS5 index on SQLite, except
- Django's migration history (the same in every test database);
- what the database maintains itself from the other tables: SQLite's external-content FTS5 index of the
  registry (its triggers refill it as the rows come back) and the ranking versions (bumped by triggers
  as the rows come back; a version is only ever compared with itself, never with a number).

The copy is taken only from a database with no organisation and no user yet (what `load_demo` meets in
a fresh test database); otherwise the loader runs for real and nothing is kept, so a test that loads the
demo on top of data of its own gets what it asked for.

Foreign keys are checked when the outermost transaction commits (Django declares them deferrable on
both databases), so the tables are emptied and refilled in any order.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from unittest import mock

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, transaction

from novator.portal.demo.loader import DemoContext, load_demo

#: rows the database writes itself when the other rows come back (see the docstring)
_MAINTAINED = {"expertise_rankingversion", "django_migrations"}
_FTS_SHADOW = ("_data", "_idx", "_content", "_docsize", "_config")


@dataclass
class _Table:
    name: str
    columns: list[str]
    rows: Any  # a list of tuples (SQLite) or the bytes of a binary COPY (PostgreSQL)


@dataclass
class _Snapshot:
    vendor: str
    tables: list[_Table]
    ctx: DemoContext


_snapshots: dict[str, _Snapshot] = {}


def load_demo_once(*, log: Callable[[str], None] | None = None) -> DemoContext:
    """The demo as `load_demo(log=log)` leaves it; real the first time in a process, restored after."""
    snapshot = _snapshots.get(connection.vendor)
    if snapshot is not None:
        with transaction.atomic():
            _restore(snapshot)
        ContentType.objects.clear_cache()  # the ids are the snapshot's, maybe not those of a flushed database
        ctx = copy.deepcopy(snapshot.ctx)
        ctx.log = log or (lambda message: None)
        return ctx
    pristine = not _has_rows("organizations_organization") and not _has_rows("accounts_user")
    ctx = load_demo(log=log)
    if pristine:
        _snapshots[connection.vendor] = _Snapshot(connection.vendor, _dump(), copy.deepcopy(ctx))
    return ctx


@contextmanager
def demo_command_from_snapshot() -> Iterator[None]:
    """`call_command("load_demo")` inside this block loads through `load_demo_once` (its output unchanged)."""
    with mock.patch("novator.portal.management.commands.load_demo.load_demo", load_demo_once):
        yield


def _has_rows(table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {connection.ops.quote_name(table)})")
        return bool(cursor.fetchone()[0])


def _tables() -> list[str]:
    """The tables to copy: all of them but the ones the database maintains (see the docstring)."""
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
        if connection.vendor != "sqlite":
            return [name for name in names if name not in _MAINTAINED]
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
        sql = dict(cursor.fetchall())
    fts = {name for name in names if "USING FTS5" in (sql.get(name) or "").upper()}
    shadows = {f"{name}{suffix}" for name in fts for suffix in _FTS_SHADOW}
    external = {name for name in fts if "CONTENT=" in sql[name].upper().replace(" ", "")}
    return [
        name
        for name in names
        if name not in _MAINTAINED
        and name not in shadows
        and name not in external
        and not name.startswith("sqlite_")
    ]


def _columns(cursor: Any, table: str, fts: bool) -> list[str]:
    if fts:
        cursor.execute(f"SELECT rowid, * FROM {connection.ops.quote_name(table)} LIMIT 0")
        return [column[0] for column in cursor.description]
    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = %s AND is_generated = 'NEVER' ORDER BY ordinal_position",
            [table],
        )
        return [row[0] for row in cursor.fetchall()]
    cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} LIMIT 0")
    return [column[0] for column in cursor.description]


def _name(column: str) -> str:
    """A column in SQL: quoted, except SQLite's `rowid` (of an FTS5 table), which is not a column."""
    return "rowid" if column == "rowid" else connection.ops.quote_name(column)


def _is_fts(table: str) -> bool:
    return connection.vendor == "sqlite" and table.endswith("_fts")


def _dump() -> list[_Table]:
    quote = connection.ops.quote_name
    tables = []
    with connection.cursor() as cursor:
        for name in _tables():
            columns = _columns(cursor, name, _is_fts(name))
            column_list = ", ".join(quote(column) for column in columns)
            table = quote(name)
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({column_list}) TO STDOUT (FORMAT BINARY)") as out:
                    rows: Any = b"".join(bytes(block) for block in out)
            else:
                # `+column` is SQLite's no-op: an expression has no declared type, so the value comes back
                # as stored (Django's converters would turn it into Python types SQLite cannot take back)
                selected = ", ".join(
                    "+rowid" if column == "rowid" else f"+{quote(column)}" for column in columns
                )
                cursor.execute(f"SELECT {selected} FROM {table}")
                rows = cursor.fetchall()
            tables.append(_Table(name, columns, rows))
    return tables


def _restore(snapshot: _Snapshot) -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in snapshot.tables:
            cursor.execute(f"DELETE FROM {quote(table.name)}")
        for name in _MAINTAINED - {"django_migrations"}:
            cursor.execute(f"DELETE FROM {quote(name)}")
        for table in snapshot.tables:
            if not table.rows:
                continue
            column_list = ", ".join(
                "rowid" if column == "rowid" else quote(column) for column in table.columns
            )
            if snapshot.vendor == "postgresql":
                with cursor.cursor.copy(
                    f"COPY {quote(table.name)} ({column_list}) FROM STDIN (FORMAT BINARY)"
                ) as into:
                    into.write(table.rows)
            else:
                marks = ", ".join(["%s"] * len(table.columns))
                cursor.executemany(
                    f"INSERT INTO {quote(table.name)} ({column_list}) VALUES ({marks})",
                    table.rows,
                )
        for sql in connection.ops.sequence_reset_sql(no_style(), apps.get_models(include_auto_created=True)):
            cursor.execute(sql)
