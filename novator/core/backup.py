"""Backup and restore of a Novator instance: the database and the uploaded files in one archive.

The archive (tar.gz) holds:

    database/db.sqlite3   SQLite: a copy made with the online backup API (safe while the app runs, WAL)
    database/db.pgdump    PostgreSQL: `pg_dump --format=custom`
    files/<name>          every file of the default storage (the private directory)
    manifest.json         format version, versions, database vendor, every table's row count and checksum,
                          every file's size and SHA-256, the database member's size and SHA-256

The table figures are computed from the very snapshot that is archived: from the SQLite copy, and for
PostgreSQL inside the REPEATABLE READ transaction whose snapshot pg_dump is given (`--snapshot`), so they
match the archive even while users keep writing.

A table's checksum is SHA-256 over its column names and its rows ordered by primary key, each value
turned into text by the database itself (SQLite `quote()`, PostgreSQL `::text` with the session settings
that shape the text pinned), so the same data gives the same checksum on the same backend whichever
client library reads it.

Restore goes into an empty instance: it unpacks and checks the whole archive in a staging directory
first (paths, member types, manifest, sizes and checksums), so a bad archive changes nothing; then it
replaces the database, copies the files into the storage and recomputes every figure of the manifest.
"""

from __future__ import annotations

import datetime
import hashlib
import importlib.metadata
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import tomllib
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any, ClassVar

import django
import psycopg
from django.apps import apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "novator-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
DATABASE_MEMBERS = {"sqlite": "database/db.sqlite3", "postgresql": "database/db.pgdump"}
FILES_PREFIX = "files/"

#: Tables that `migrate` fills by itself; rows there do not make an instance "not empty".
#: statuses_statuskind holds the kinds created by the data migration statuses/0002.
SEEDED_TABLES = frozenset(
    {"django_migrations", "django_content_type", "auth_permission", "statuses_statuskind"}
)

_CHUNK = 1024 * 1024
_FETCH = 2000

Log = Callable[[str], None]
DBConnection = sqlite3.Connection | psycopg.Connection[Any]


class BackupError(Exception):
    """A backup or restore that was refused or failed; the message is meant for the operator."""


class VerificationError(BackupError):
    """The restored instance does not match the manifest."""

    def __init__(self, message: str, report: VerificationReport) -> None:
        super().__init__(message)
        self.report = report


def _silent(line: str) -> None:
    """The default progress callback: say nothing."""


def human_size(size: int) -> str:
    """1536 -> '1.5 KiB'."""
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            return f"{size} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _q(identifier: str) -> str:
    """Quote an SQL identifier (the same rule for SQLite and PostgreSQL)."""
    if "\x00" in identifier:
        raise BackupError(f"Invalid table or column name: {identifier!r}")
    return '"' + identifier.replace('"', '""') + '"'


# --- Where the data lives ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SqliteTarget:
    """An SQLite database: a file path, or a `file:` URI (the in-memory test database)."""

    name: str
    vendor: ClassVar[str] = "sqlite"

    def exists(self) -> bool:
        return self.name.startswith("file:") or Path(self.name).exists()

    def connect(self) -> sqlite3.Connection:
        if not self.name.startswith("file:"):
            Path(self.name).parent.mkdir(parents=True, exist_ok=True)
        return sqlite3.connect(self.name, uri=True)

    def describe(self) -> str:
        return f"SQLite {self.name}"


# OPTIONS of a Django PostgreSQL database that libpq tools understand, and their environment variables.
_LIBPQ_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "service": "PGSERVICE",
    "passfile": "PGPASSFILE",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "options": "PGOPTIONS",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}
# OPTIONS that only Django understands.
_DJANGO_ONLY_OPTIONS = {"isolation_level", "assume_role", "pool", "server_side_binding", "prepare_threshold"}


@dataclass(frozen=True)
class PostgresTarget:
    """A PostgreSQL database, as keyword arguments of `psycopg.connect`."""

    params: Mapping[str, Any]
    vendor: ClassVar[str] = "postgresql"

    @classmethod
    def from_settings(cls, settings_dict: Mapping[str, Any]) -> PostgresTarget:
        params: dict[str, Any] = {
            key: value
            for key, value in (settings_dict.get("OPTIONS") or {}).items()
            if key not in _DJANGO_ONLY_OPTIONS
        }
        for key, param in (("NAME", "dbname"), ("USER", "user"), ("PASSWORD", "password")):
            if settings_dict.get(key):
                params[param] = str(settings_dict[key])
        for key, param in (("HOST", "host"), ("PORT", "port")):
            if settings_dict.get(key):
                params[param] = str(settings_dict[key])
        return cls(params)

    def with_dbname(self, dbname: str) -> PostgresTarget:
        return PostgresTarget({**self.params, "dbname": dbname})

    def connect(self, **extra: Any) -> psycopg.Connection[Any]:
        try:
            return psycopg.connect(**{**self.params, **extra})
        except psycopg.Error as exc:
            raise BackupError(f"Cannot connect to PostgreSQL database {self.describe()}: {exc}") from exc

    def client_command(self, program: str, *args: str) -> tuple[list[str], dict[str, str]]:
        """The command line and environment of a libpq client; the password goes only to PGPASSWORD."""
        executable = _pg_executable(program)
        argv = [executable, *args, "--no-password"]
        for key, flag in (("host", "--host"), ("port", "--port"), ("user", "--username")):
            if self.params.get(key):
                argv.append(f"{flag}={self.params[key]}")
        env = dict(os.environ)
        for key, variable in _LIBPQ_ENV.items():
            if self.params.get(key) is not None:
                env[variable] = str(self.params[key])
        if self.params.get("password"):
            env["PGPASSWORD"] = str(self.params["password"])
        return argv, env

    def describe(self) -> str:
        host = self.params.get("host") or "local socket"
        port = self.params.get("port") or 5432
        return f"PostgreSQL {self.params.get('dbname', '')} at {host}:{port}"


Target = SqliteTarget | PostgresTarget


def target_for(using: str = "default") -> Target:
    """The database of a Django connection alias, as a backup source or restore target."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        return SqliteTarget(str(connection.settings_dict["NAME"]))
    if connection.vendor == "postgresql":
        return PostgresTarget.from_settings(connection.settings_dict)
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}.")


def storage_location() -> Path:
    """The directory of the default storage (uploaded files)."""
    storage = storages["default"]
    if not isinstance(storage, FileSystemStorage):
        raise BackupError(
            f"Backups need the default storage on the file system, not {type(storage).__name__}."
        )
    return Path(storage.location)


def _pg_executable(program: str) -> str:
    directory = getattr(settings, "NOVATOR_PG_BIN_DIR", None)
    found = shutil.which(program, path=str(directory)) if directory else shutil.which(program)
    if not found:
        raise BackupError(
            f"{program} was not found. Install the PostgreSQL client of the server's major version "
            "(postgresql-client) or set NOVATOR_PG_BIN_DIR."
        )
    return found


def _run(argv: list[str], env: dict[str, str]) -> None:
    # argv is built from settings and fixed flags, never from a shell string; the password is in env only.
    result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        program = Path(argv[0]).name
        detail = (result.stderr or result.stdout).strip()[-2000:]
        raise BackupError(f"{program} failed (exit code {result.returncode}): {detail}")


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


# --- Backup ---------------------------------------------------------------------------------------------


def default_backup_path() -> Path:
    var_dir = Path(getattr(settings, "VAR_DIR", Path(settings.BASE_DIR) / "var"))
    return var_dir / "backups" / f"novator-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"


def _app_version() -> str:
    try:
        return importlib.metadata.version("novator")
    except importlib.metadata.PackageNotFoundError:
        pass
    try:
        with open(Path(settings.BASE_DIR) / "pyproject.toml", "rb") as fh:
            return str(tomllib.load(fh)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def _sha256_file(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


class _HashingReader:
    """Reads a file for tarfile while computing its SHA-256, so the manifest describes what was archived."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.digest.update(data)
        return data


def _snapshot_sqlite(using: str, dest: Path, tables: list[str]) -> tuple[dict[str, Any], str]:
    connection = connections[using]
    connection.ensure_connection()
    source: sqlite3.Connection = connection.connection
    with closing(sqlite3.connect(dest)) as copy:
        source.backup(copy)
        # One self-contained file: no -wal beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
    with closing(sqlite3.connect(dest)) as copy:
        return table_stats(copy, tables), sqlite3.sqlite_version


def _snapshot_postgres(target: PostgresTarget, dest: Path, tables: list[str]) -> tuple[dict[str, Any], str]:
    with closing(target.connect()) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        row = conn.execute("SELECT pg_export_snapshot()").fetchone()
        assert row is not None
        argv, env = target.client_command(
            "pg_dump",
            "--format=custom",
            f"--snapshot={row[0]}",
            f"--file={dest}",
            f"--dbname={target.params.get('dbname', '')}",
        )
        _run(argv, env)  # pg_dump sees exactly the snapshot of this open transaction
        stats = table_stats(conn, tables)
        version = str(conn.info.server_version)
        conn.rollback()
    return stats, version


def _storage_files(files_dir: Path) -> list[tuple[str, Path]]:
    found: list[tuple[str, Path]] = []
    if not files_dir.is_dir():
        return found
    for root, dirs, names in os.walk(files_dir):
        dirs.sort()
        for name in sorted(names):
            path = Path(root) / name
            if path.is_symlink() or not path.is_file():
                continue
            found.append((path.relative_to(files_dir).as_posix(), path))
    return found


def create_backup(
    output: Path,
    *,
    using: str = "default",
    files_dir: Path | None = None,
    log: Log = _silent,
) -> dict[str, Any]:
    """Write the archive `output` (tar.gz) and return its manifest."""
    output = Path(output)
    files_dir = storage_location() if files_dir is None else Path(files_dir)
    if output.exists():
        raise BackupError(f"{output} already exists; choose another --output.")
    if connections[using].in_atomic_block:
        # SQLite's backup API waits forever on its own connection's open write transaction, and
        # pg_dump would not see the uncommitted rows: a backup is of committed data only.
        raise BackupError("A backup cannot be taken inside a database transaction.")
    output.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = target_for(using)
    member = DATABASE_MEMBERS[target.vendor]
    tables = project_tables(using)

    partial = output.with_name(output.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="novator-backup-", dir=output.parent) as work:
        log(f"[1/3] Database ({target.describe()}): taking a consistent snapshot…")
        db_file = Path(work) / PurePosixPath(member).name
        if isinstance(target, SqliteTarget):
            stats, server_version = _snapshot_sqlite(using, db_file, tables)
        else:
            stats, server_version = _snapshot_postgres(target, db_file, tables)
        missing = sorted(set(tables) - set(stats))
        if missing:
            raise BackupError(f"Tables disappeared during the backup: {', '.join(missing)}")
        db_size, db_sha = _sha256_file(db_file)
        log(
            f"      {len(stats)} tables, {sum(s['rows'] for s in stats.values())} rows, "
            f"snapshot {human_size(db_size)}"
        )

        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # personal data inside
        try:
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
                info = tar.gettarinfo(db_file, arcname=member)
                info.mode, info.uid, info.gid, info.uname, info.gname = 0o600, 0, 0, "", ""
                with open(db_file, "rb") as fh:
                    tar.addfile(info, fh)

                entries = _storage_files(files_dir)
                log(f"[2/3] Files: {_count(len(entries), 'file')} in {files_dir}…")
                files: list[dict[str, Any]] = []
                for name, path in entries:
                    with open(path, "rb") as fh:
                        stat = os.fstat(fh.fileno())
                        info = tarfile.TarInfo(FILES_PREFIX + name)
                        info.size, info.mtime, info.mode = stat.st_size, int(stat.st_mtime), 0o600
                        reader = _HashingReader(fh)
                        try:
                            tar.addfile(info, reader)
                        except OSError as exc:
                            raise BackupError(f"{path} changed while it was being archived: {exc}") from exc
                    files.append({"name": name, "size": info.size, "sha256": reader.digest.hexdigest()})
                log(f"      {_count(len(files), 'file')}, {human_size(sum(f['size'] for f in files))}")

                log("[3/3] Manifest…")
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "created_at": timezone.now().astimezone(datetime.UTC).isoformat(),
                    "versions": {
                        "novator": _app_version(),
                        "django": django.get_version(),
                        "python": platform.python_version(),
                        "database_server": server_version,
                    },
                    "database": {
                        "vendor": target.vendor,
                        "member": member,
                        "size": db_size,
                        "sha256": db_sha,
                    },
                    "tables": {table: stats[table] for table in tables},
                    "files": files,
                }
                data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
                info = tarfile.TarInfo(MANIFEST_NAME)
                info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o600
                tar.addfile(info, _BytesReader(data))
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(partial, output)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    log(f"Archive: {output} ({human_size(output.stat().st_size)})")
    return manifest


class _BytesReader:
    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size < 0 else self.pos + size
        chunk, self.pos = self.data[self.pos : end], min(end, len(self.data))
        return chunk


# --- Reading and checking an archive -------------------------------------------------------------------


def _safe_name(name: str) -> PurePosixPath:
    """A member or file name that stays inside the directory it is unpacked into, else BackupError."""
    path = PurePosixPath(name)
    if (
        not name
        or "\x00" in name
        or "\\" in name
        or path.is_absolute()
        or any(part in ("", ".", "..") for part in name.split("/"))
    ):
        raise BackupError(f"The archive is refused: unsafe path {name!r} (outside the extraction directory).")
    return path


def _check_member(member: tarfile.TarInfo) -> PurePosixPath | None:
    """The member's path when it is a regular file to unpack; None for a directory entry."""
    name = member.name.rstrip("/") if member.isdir() else member.name
    path = _safe_name(name)
    if not (member.isreg() or member.isdir()):
        raise BackupError(
            f"The archive is refused: {member.name!r} is a link or a special file; only files are allowed."
        )
    top = path.parts[0]
    if not (
        name == MANIFEST_NAME or (top in ("database", "files") and (member.isdir() or len(path.parts) > 1))
    ):
        raise BackupError(f"The archive is refused: unexpected member {member.name!r}.")
    return None if member.isdir() else path


def unpack_archive(archive: Path, dest: Path) -> dict[str, Any]:
    """Unpack `archive` into the empty directory `dest`, check it against its manifest, return the manifest.

    Nothing outside `dest` is written. Raises BackupError on anything unexpected.
    """
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"No such archive: {archive}")
    unpacked: dict[str, tuple[int, str]] = {}
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            for member in tar:
                path = _check_member(member)
                if path is None:
                    continue
                if str(path) in unpacked:
                    raise BackupError(f"The archive is refused: {member.name!r} appears twice.")
                extracted = tar.extractfile(member)
                assert extracted is not None
                out = dest.joinpath(*path.parts)
                out.parent.mkdir(parents=True, exist_ok=True)
                digest, size = hashlib.sha256(), 0
                with extracted, open(out, "xb") as fh:
                    while chunk := extracted.read(_CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        fh.write(chunk)
                unpacked[str(path)] = (size, digest.hexdigest())
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise BackupError(f"{archive} is not a readable tar.gz archive: {exc}") from exc

    if MANIFEST_NAME not in unpacked:
        raise BackupError(f"{archive} has no {MANIFEST_NAME}: it is not a Novator backup.")
    try:
        manifest = json.loads((dest / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(f"{MANIFEST_NAME} in {archive} is not valid JSON: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{MANIFEST_NAME} in {archive} is not a Novator backup manifest.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"The archive has backup format version {manifest.get('format_version')!r}; "
            f"this version of Novator reads version {FORMAT_VERSION}."
        )
    database = manifest.get("database")
    tables = manifest.get("tables")
    files = manifest.get("files")
    if (
        not isinstance(database, dict)
        or database.get("vendor") not in DATABASE_MEMBERS
        or database.get("member") != DATABASE_MEMBERS[database["vendor"]]
        or not isinstance(tables, dict)
        or not all(isinstance(t, str) and isinstance(s, dict) for t, s in tables.items())
        or not isinstance(files, list)
        or not all(isinstance(f, dict) and isinstance(f.get("name"), str) for f in files)
    ):
        raise BackupError(f"{MANIFEST_NAME} in {archive} is incomplete or damaged.")

    expected = {database["member"]: (database.get("size"), database.get("sha256"))}
    for entry in files:
        _safe_name(entry["name"])
        expected[FILES_PREFIX + entry["name"]] = (entry.get("size"), entry.get("sha256"))
    actual = {name: figures for name, figures in unpacked.items() if name != MANIFEST_NAME}
    problems = [f"missing: {name}" for name in sorted(set(expected) - set(actual))]
    problems += [f"not in the manifest: {name}" for name in sorted(set(actual) - set(expected))]
    problems += [
        f"size or SHA-256 differs: {name}"
        for name in sorted(set(expected) & set(actual))
        if tuple(expected[name]) != actual[name]
    ]
    if problems:
        raise BackupError(f"The archive does not match its manifest: {'; '.join(problems[:10])}")
    return manifest


# --- Restore --------------------------------------------------------------------------------------------


@dataclass
class TableCheck:
    table: str
    expected_rows: int
    actual_rows: int | None
    expected_sha256: str
    actual_sha256: str | None

    @property
    def ok(self) -> bool:
        return self.expected_rows == self.actual_rows and self.expected_sha256 == self.actual_sha256

    @property
    def status(self) -> str:
        if self.actual_rows is None:
            return "MISSING"
        return "ok" if self.ok else "MISMATCH"


@dataclass
class VerificationReport:
    tables: list[TableCheck] = field(default_factory=list)
    files_checked: int = 0
    file_problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.file_problems and all(check.ok for check in self.tables)

    @property
    def mismatched_tables(self) -> list[str]:
        return [check.table for check in self.tables if not check.ok]

    def lines(self) -> list[str]:
        width = max([len("Table"), *(len(check.table) for check in self.tables)])
        out = [f"{'Table':<{width}}  {'Rows (backup)':>13}  {'Rows (restored)':>15}  Checksum"]
        for check in self.tables:
            actual = "-" if check.actual_rows is None else str(check.actual_rows)
            out.append(f"{check.table:<{width}}  {check.expected_rows:>13}  {actual:>15}  {check.status}")
        total = sum(check.expected_rows for check in self.tables)
        out.append(
            f"{len(self.tables)} tables, {total} rows in the backup; {len(self.mismatched_tables)} differ"
        )
        out.append(
            f"Files: {self.files_checked - len(self.file_problems)} of {self.files_checked} match "
            "(size and SHA-256)"
        )
        out.extend(f"  {problem}" for problem in self.file_problems)
        return out


def verify_restore(target: Target, manifest: Mapping[str, Any], files_dir: Path) -> VerificationReport:
    """Recompute every row count, checksum and file digest of the manifest on the restored instance."""
    expected: Mapping[str, Mapping[str, Any]] = manifest["tables"]
    actual = target_stats(target, expected)
    report = VerificationReport()
    for table in sorted(expected):
        got = actual.get(table)
        report.tables.append(
            TableCheck(
                table=table,
                expected_rows=int(expected[table]["rows"]),
                actual_rows=None if got is None else got["rows"],
                expected_sha256=str(expected[table]["sha256"]),
                actual_sha256=None if got is None else got["sha256"],
            )
        )
    for entry in manifest["files"]:
        report.files_checked += 1
        path = files_dir.joinpath(*_safe_name(entry["name"]).parts)
        if not path.is_file():
            report.file_problems.append(f"missing: {entry['name']}")
        elif _sha256_file(path) != (entry["size"], entry["sha256"]):
            report.file_problems.append(f"size or SHA-256 differs: {entry['name']}")
    return report


def _restore_sqlite(staged: Path, target: SqliteTarget) -> None:
    with closing(sqlite3.connect(staged)) as source, closing(target.connect()) as dest:
        source.backup(dest)


def _restore_postgres(staged: Path, target: PostgresTarget) -> None:
    argv, env = target.client_command(
        "pg_restore",
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",  # all or nothing
        f"--dbname={target.params.get('dbname', '')}",
        str(staged),
    )
    _run(argv, env)


def _restore_files(staged_dir: Path, files: Sequence[Mapping[str, Any]], files_dir: Path) -> None:
    root = files_dir.resolve()
    for entry in files:
        parts = _safe_name(entry["name"]).parts
        dest = files_dir.joinpath(*parts)
        dest.parent.mkdir(parents=True, exist_ok=True)
        if not dest.parent.resolve().is_relative_to(root):
            raise BackupError(f"{dest} is outside the storage directory {root} (a symbolic link?)")
        temporary = dest.with_name(f".{dest.name}.restoring")
        shutil.copyfile(staged_dir.joinpath(*parts), temporary)
        os.replace(temporary, dest)


def _count_files(files_dir: Path) -> int:
    return len(_storage_files(files_dir))


def restore_backup(
    archive: Path,
    *,
    target: Target,
    files_dir: Path,
    force: bool = False,
    log: Log = _silent,
) -> VerificationReport:
    """Restore `archive` into `target` and the storage directory `files_dir`, then verify it.

    Refuses (BackupError, nothing changed) a bad archive, an archive of another database vendor and, unless
    `force`, a target that already holds data. Raises VerificationError when the restored instance does
    not match the manifest.
    """
    files_dir = Path(files_dir)
    with tempfile.TemporaryDirectory(prefix="novator-restore-") as work:
        staging = Path(work)
        log(f"[1/5] Checking the archive {archive}…")
        manifest = unpack_archive(Path(archive), staging)
        vendor = manifest["database"]["vendor"]
        if vendor != target.vendor:
            raise BackupError(
                f"The archive holds a {vendor} database; this instance uses {target.vendor}. "
                "Restore it into an instance with the same database."
            )
        files = manifest["files"]
        versions = manifest.get("versions")
        versions = versions if isinstance(versions, dict) else {}
        log(
            f"      made {manifest.get('created_at')} by Novator {versions.get('novator')}, "
            f"Django {versions.get('django')}; {len(manifest['tables'])} tables, "
            f"{sum(int(s['rows']) for s in manifest['tables'].values())} rows, {_count(len(files), 'file')} "
            f"({human_size(sum(int(f['size']) for f in files))}); all members match the manifest"
        )

        log(f"[2/5] Checking that the target is empty ({target.describe()}, {files_dir})…")
        if force:
            log("      skipped (--force): existing data will be replaced")
        else:
            busy = tables_with_data(target, model_tables() | set(manifest["tables"]))
            stored = _count_files(files_dir)
            if busy or stored:
                reasons = []
                if busy:
                    listed = ", ".join(busy[:8]) + (", …" if len(busy) > 8 else "")
                    reasons.append(f"the database has data in {_count(len(busy), 'table')} ({listed})")
                if stored:
                    reasons.append(f"the storage {files_dir} holds {_count(stored, 'file')}")
                raise BackupError(
                    f"The target is not empty: {'; '.join(reasons)}. Nothing was changed. "
                    "Restore into an empty instance, or pass --force to replace its data."
                )
            log("      empty")

        staged_db = staging.joinpath(*PurePosixPath(manifest["database"]["member"]).parts)
        if isinstance(target, SqliteTarget):
            with closing(sqlite3.connect(staged_db)) as check:
                row = check.execute("PRAGMA quick_check").fetchone()
            if not row or row[0] != "ok":
                raise BackupError(f"The database in the archive is damaged: {row}")
        log(
            f"[3/5] Restoring the database ({human_size(staged_db.stat().st_size)}) into {target.describe()}…"
        )
        if isinstance(target, SqliteTarget):
            _restore_sqlite(staged_db, target)
        else:
            _restore_postgres(staged_db, target)

        log(f"[4/5] Restoring {_count(len(files), 'file')} into {files_dir}…")
        _restore_files(staging / FILES_PREFIX.rstrip("/"), files, files_dir)

    log("[5/5] Verifying row counts, checksums and files against the manifest…")
    report = verify_restore(target, manifest, files_dir)
    for line in report.lines():
        log(line)
    if not report.ok:
        problems = report.mismatched_tables + report.file_problems
        raise VerificationError(
            f"The restored instance does not match the backup: {', '.join(problems[:10])}", report
        )
    return report
