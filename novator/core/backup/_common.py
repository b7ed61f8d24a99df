"""Constants, errors and small helpers shared by the backup modules."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import psycopg

if TYPE_CHECKING:  # only for the annotation; restore.py imports this module
    from .restore import VerificationReport

FORMAT = "novator-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
DATABASE_MEMBERS = {"sqlite": "database/db.sqlite3", "postgresql": "database/db.pgdump"}
FILES_PREFIX = "files/"

#: Tables that `migrate` fills by itself; rows there do not make an instance "not empty".
#: statuses_statuskind holds the kinds created by the data migration statuses/0002; the default survey
#: questionnaire and its items come from projects/0002.
SEEDED_TABLES = frozenset(
    {
        "django_migrations",
        "django_content_type",
        "auth_permission",
        "statuses_statuskind",
        "projects_surveyquestionnaire",
        "projects_surveyitem",
    }
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
