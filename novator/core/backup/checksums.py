"""Tables, row counts and checksums (computed by the database, so any client gets the same)."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing, contextmanager
from typing import Any

import psycopg
from django.apps import apps
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder

from ._common import _FETCH, SEEDED_TABLES, DBConnection, _q
from .targets import SqliteTarget, Target

# --- Tables, row counts and checksums ------------------------------------------------------------------


def model_tables() -> set[str]:
    """Every table of the project's models (all installed apps, auto-created m2m tables included)."""
    tables = {MigrationRecorder.Migration._meta.db_table}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            tables.add(model._meta.db_table)
    return tables


def project_tables(using: str = "default") -> list[str]:
    """The project's model tables that exist in the database of `using`, sorted."""
    connection = connections[using]
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
    return sorted(model_tables() & existing)


def _existing_tables(conn: DBConnection) -> set[str]:
    if isinstance(conn, sqlite3.Connection):
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    else:
        rows = conn.execute(
            "SELECT c.relname FROM pg_catalog.pg_class c "
            "WHERE c.relkind IN ('r', 'p') AND pg_catalog.pg_table_is_visible(c.oid)"
        ).fetchall()
    return {str(row[0]) for row in rows}


def _columns(conn: DBConnection, table: str) -> tuple[list[str], list[str]]:
    """(column names sorted, primary key columns in key order); ([], []) when the table is missing."""
    if isinstance(conn, sqlite3.Connection):
        info = conn.execute(f"PRAGMA table_info({_q(table)})").fetchall()
        columns = [str(row[1]) for row in info]
        pk = [str(row[1]) for row in sorted((r for r in info if r[5]), key=lambda r: r[5])]
    else:
        rows = conn.execute(
            "SELECT a.attname, array_position(i.indkey::int2[], a.attnum) "
            "FROM pg_catalog.pg_attribute a "
            "LEFT JOIN pg_catalog.pg_index i ON i.indrelid = a.attrelid AND i.indisprimary "
            "WHERE a.attrelid = to_regclass(quote_ident(%s)) AND a.attnum > 0 AND NOT a.attisdropped",
            (table,),
        ).fetchall()
        columns = [str(row[0]) for row in rows]
        pk = [str(row[0]) for row in sorted((r for r in rows if r[1]), key=lambda r: r[1])]
    return sorted(columns), pk


def _encode_row(values: Iterable[Any]) -> bytes:
    parts = []
    for value in values:
        if value is None:
            parts.append(b"-")
        else:
            data = value if isinstance(value, bytes) else str(value).encode("utf-8", "surrogatepass")
            parts.append(b"%d:%s" % (len(data), data))
    return b"|".join(parts) + b"\n"


def _digest(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> dict[str, Any]:
    digest = hashlib.sha256(_encode_row(columns))
    count = 0
    for row in rows:
        digest.update(_encode_row(row))
        count += 1
    return {"rows": count, "sha256": digest.hexdigest()}


def _sqlite_rows(conn: sqlite3.Connection, sql: str) -> Iterator[Sequence[Any]]:
    # Text is read as bytes: invalid UTF-8 stored by some other tool must not stop a backup.
    previous = conn.text_factory
    conn.text_factory = bytes
    try:
        cursor = conn.execute(sql)
        while batch := cursor.fetchmany(_FETCH):
            yield from batch
    finally:
        conn.text_factory = previous


@contextmanager
def _pg_text_settings(conn: psycopg.Connection[Any]) -> Iterator[None]:
    """Pin the settings that shape `::text` output, for the current transaction only."""
    with conn.transaction():
        conn.execute(
            "SELECT set_config('TimeZone', 'UTC', true), set_config('DateStyle', 'ISO, YMD', true), "
            "set_config('IntervalStyle', 'postgres', true), set_config('extra_float_digits', '1', true), "
            "set_config('bytea_output', 'hex', true)"
        )
        yield


def table_stats(conn: DBConnection, tables: Iterable[str]) -> dict[str, dict[str, Any]]:
    """{table: {"rows": n, "sha256": hex}} for the tables that exist in the database of `conn`.

    `conn` is a plain DB-API connection: sqlite3 (Django's raw SQLite connection works too) or psycopg.
    """
    stats: dict[str, dict[str, Any]] = {}
    if isinstance(conn, sqlite3.Connection):
        for table in tables:
            columns, pk = _columns(conn, table)
            if not columns:
                continue
            values = ", ".join(f"quote({_q(c)})" for c in columns)
            order = ", ".join(_q(c) for c in pk) or ", ".join(str(i + 1) for i in range(len(columns)))
            sql = f"SELECT {values} FROM {_q(table)} ORDER BY {order}"  # noqa: S608 (quoted identifiers)
            stats[table] = _digest(columns, _sqlite_rows(conn, sql))
        return stats
    with _pg_text_settings(conn):
        for table in tables:
            columns, pk = _columns(conn, table)
            if not columns:
                continue
            values = ", ".join(f"{_q(c)}::text" for c in columns)
            order = ", ".join(_q(c) for c in pk) or ", ".join(str(i + 1) for i in range(len(columns)))
            sql = f"SELECT {values} FROM {_q(table)} ORDER BY {order}"  # noqa: S608 (quoted identifiers)
            with conn.cursor(name="novator_table_stats") as cursor:
                cursor.itersize = _FETCH
                cursor.execute(sql)
                stats[table] = _digest(columns, cursor)
    return stats


def target_stats(target: Target, tables: Iterable[str]) -> dict[str, dict[str, Any]]:
    """table_stats() of a target database."""
    if isinstance(target, SqliteTarget):
        with closing(target.connect()) as sqlite_conn:
            return table_stats(sqlite_conn, tables)
    with closing(target.connect()) as pg_conn:
        return table_stats(pg_conn, tables)


def tables_with_data(target: Target, tables: Iterable[str] | None = None) -> list[str]:
    """The project tables of the target that hold rows (the tables `migrate` fills itself are ignored)."""
    if isinstance(target, SqliteTarget) and not target.exists():
        return []
    wanted = set(model_tables() if tables is None else tables) - SEEDED_TABLES
    found: list[str] = []
    conn: DBConnection
    with closing(target.connect()) as conn:
        for table in sorted(wanted & _existing_tables(conn)):
            if conn.execute(f"SELECT 1 FROM {_q(table)} LIMIT 1").fetchone():  # noqa: S608
                found.append(table)
        if isinstance(conn, psycopg.Connection):
            conn.rollback()
    return found
