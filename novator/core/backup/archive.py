"""Writing a backup archive and reading one back safely (no member outside the extraction dir)."""

from __future__ import annotations

import datetime
import hashlib
import importlib.metadata
import json
import os
import platform
import sqlite3
import tarfile
import tempfile
import tomllib
import zlib
from contextlib import closing
from pathlib import Path, PurePosixPath
from typing import IO, Any

import django
import psycopg
from django.conf import settings
from django.db import connections
from django.utils import timezone

from ._common import (
    _CHUNK,
    DATABASE_MEMBERS,
    FILES_PREFIX,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST_NAME,
    BackupError,
    Log,
    _count,
    _silent,
    human_size,
)
from .checksums import project_tables, table_stats
from .targets import PostgresTarget, SqliteTarget, _run, storage_location, target_for

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


def _unpack_members(archive: Path, dest: Path) -> dict[str, tuple[int, str]]:
    """Every regular member written under `dest`; its size and SHA-256 by path."""
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
    return unpacked


def _read_manifest(archive: Path, dest: Path, unpacked: dict[str, tuple[int, str]]) -> dict[str, Any]:
    """The unpacked manifest, refused unless it is a complete manifest of this backup format."""
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
    return manifest


def unpack_archive(archive: Path, dest: Path) -> dict[str, Any]:
    """Unpack `archive` into the empty directory `dest`, check it against its manifest, return the manifest.

    Nothing outside `dest` is written. Raises BackupError on anything unexpected.
    """
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"No such archive: {archive}")
    unpacked = _unpack_members(archive, dest)
    manifest = _read_manifest(archive, dest, unpacked)
    database, files = manifest["database"], manifest["files"]
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
