"""A scratch var/ directory with a migrated SQLite database, made once per test process for the tests that
start the real stack in other processes (test_sigkill.py, test_worker_crash.py) and copied by each.

The database is the migrated copy the SQLite test databases are restored from (tests/sqlite_template.py:
the same migrations and apps, so the same tables, triggers and rows) when one exists, e.g. made earlier in
this run or by the SQLite run before a PostgreSQL one; else `manage.py migrate` makes it, as `make run`."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests import sqlite_template

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def migrated_var(tmp_path_factory) -> Path:
    """A var/ directory whose db.sqlite3 is migrated (with config.settings.local, as `make run` does)."""
    path = tmp_path_factory.mktemp("migrated-var")
    template = sqlite_template.template()
    if template is not None:
        source, target = sqlite3.connect(template), sqlite3.connect(path / "db.sqlite3")
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
        return path
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "NOVATOR_FAULT", "PYTHONPATH")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        NOVATOR_VAR_DIR=str(path),
        DJANGO_SECRET_KEY="migrated-var-secret-key-" + "x" * 40,
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    # fold the WAL into the main file so that a plain copy is complete
    with sqlite3.connect(path / "db.sqlite3") as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path
