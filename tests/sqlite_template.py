"""The migrated SQLite test database, made once and copied after that (a pytest plugin of the root conftest).

Migrating the test database costs about 30 s of CPU (67 migrations of the project, those of Django and
of the packages, the triggers and the full-text index). Each test process (one per core with `make test`)
and each run of a single test file paid it. Instead, the first process to need the database migrates it
as usual and saves a copy (SQLite's backup API) under the system's temporary directory; every other
process, in this run or a later one, restores that copy into its in-memory test database instead of
migrating (well under a second). The copy is named by a hash of everything the migrations depend on:
the text of every migration file of every installed app, the versions of Django, Python and SQLite, and
the installed apps; a changed migration makes a new copy. Processes that start together wait for the
first one's copy (a file lock) rather than migrating each on its own.

`NOVATOR_TEST_DB_CACHE=0` turns it off (every process migrates). PostgreSQL is left as it is.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import sqlite3
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

CACHE = Path(os.environ.get("NOVATOR_TEST_DB_CACHE_DIR") or Path(tempfile.gettempdir()) / "novator-test-db")


def _key() -> str:
    import django
    from django.apps import apps
    from django.conf import settings

    digest = hashlib.sha256()
    digest.update(f"{django.__version__} {sys.version} {sqlite3.sqlite_version}".encode())
    digest.update(repr(list(settings.INSTALLED_APPS)).encode())
    for app in apps.get_app_configs():
        folder = Path(app.path) / "migrations"
        for path in sorted(folder.glob("*.py")) if folder.is_dir() else ():
            digest.update(f"{app.label}/{path.name}\n".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:24]


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _restore(connection: Any, template: Path) -> None:
    connection.ensure_connection()
    source = sqlite3.connect(template)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


def _save(connection: Any, template: Path) -> None:
    partial = template.with_suffix(f".{os.getpid()}.partial")
    target = sqlite3.connect(partial)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    os.replace(partial, template)


def enabled() -> bool:
    return os.environ.get("NOVATOR_TEST_DB_CACHE", "1") != "0"


def template() -> Path | None:
    """The migrated copy for the code as it is, if it has been made."""
    path = CACHE / f"{_key()}.sqlite3"
    return path if enabled() and path.exists() else None


def install() -> None:
    """Wrap the SQLite backend's `create_test_db` (called by pytest-django's `django_db_setup`)."""
    if not enabled():
        return
    from django.db.backends.sqlite3.creation import DatabaseCreation

    original = DatabaseCreation.create_test_db

    def create_test_db(
        self: Any, verbosity: int = 1, autoclobber: bool = False, serialize: bool = True, keepdb: bool = False
    ) -> Any:
        connection = self.connection
        if keepdb or connection.settings_dict["TEST"].get("MIGRATE") is False:
            return original(self, verbosity, autoclobber, serialize, keepdb)
        if not self.is_in_memory_db(self._get_test_db_name()):
            return original(self, verbosity, autoclobber, serialize, keepdb)
        template = CACHE / f"{_key()}.sqlite3"
        import django.core.management

        real_call_command = django.core.management.call_command

        def call_command(name: str, *args: Any, **kwargs: Any) -> Any:
            if name == "migrate" and template.exists():
                _restore(connection, template)
                return None
            result = real_call_command(name, *args, **kwargs)
            if name == "migrate":
                _save(connection, template)
            return result

        with (
            _locked(CACHE / f"{template.stem}.lock"),
            mock.patch.object(django.core.management, "call_command", call_command),
        ):
            return original(self, verbosity, autoclobber, serialize, keepdb)

    DatabaseCreation.create_test_db = create_test_db  # type: ignore[method-assign]
