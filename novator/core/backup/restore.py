"""Restoring an archive into an empty instance and verifying every table and file."""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections.abc import Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ._common import FILES_PREFIX, BackupError, Log, VerificationError, _count, _silent, human_size
from .archive import _safe_name, _sha256_file, _storage_files, unpack_archive
from .checksums import model_tables, tables_with_data, target_stats
from .targets import PostgresTarget, SqliteTarget, Target, _run

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
    """Copy the staged database into the target file, which is private (0600) like the archive.

    The file is created (or, with --force, narrowed) to 0600 before SQLite opens it, so personal data is
    never readable by other users of the machine, not even for a moment; SQLite gives its -wal and -shm
    files the database file's permissions.
    """
    path = None if target.name.startswith("file:") else Path(target.name)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        os.chmod(path, 0o600)
    with closing(sqlite3.connect(staged)) as source, closing(target.connect()) as dest:
        source.backup(dest)
    if path is not None:
        for companion in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            if companion.exists():
                os.chmod(companion, 0o600)


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
