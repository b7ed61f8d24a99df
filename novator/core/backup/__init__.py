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

from ._common import (
    DATABASE_MEMBERS,
    FILES_PREFIX,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST_NAME,
    SEEDED_TABLES,
    BackupError,
    DBConnection,
    Log,
    VerificationError,
    human_size,
)
from .archive import create_backup, default_backup_path, unpack_archive
from .checksums import model_tables, project_tables, table_stats, tables_with_data, target_stats
from .restore import TableCheck, VerificationReport, restore_backup, verify_restore
from .targets import PostgresTarget, SqliteTarget, Target, storage_location, target_for

__all__ = [
    "DATABASE_MEMBERS",
    "FILES_PREFIX",
    "FORMAT",
    "FORMAT_VERSION",
    "MANIFEST_NAME",
    "SEEDED_TABLES",
    "BackupError",
    "DBConnection",
    "Log",
    "PostgresTarget",
    "SqliteTarget",
    "TableCheck",
    "Target",
    "VerificationError",
    "VerificationReport",
    "create_backup",
    "default_backup_path",
    "human_size",
    "model_tables",
    "project_tables",
    "restore_backup",
    "storage_location",
    "table_stats",
    "tables_with_data",
    "target_for",
    "target_stats",
    "unpack_archive",
    "verify_restore",
]
