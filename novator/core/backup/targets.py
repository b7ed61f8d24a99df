"""Where the data lives: an SQLite file or a PostgreSQL database, and the storage directory."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import psycopg
from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import connections

from ._common import BackupError

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
