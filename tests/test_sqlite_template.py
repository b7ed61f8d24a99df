"""The test database restored from the migrated copy (tests/sqlite_template.py) is fully migrated."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from tests import sqlite_template


@pytest.mark.django_db
def test_the_test_database_holds_every_migration_and_the_copy_is_named_by_them():
    loader = MigrationLoader(connection)
    assert set(loader.disk_migrations) <= loader.applied_migrations.keys()
    assert loader.detect_conflicts() == {}
    if connection.vendor == "sqlite":
        assert (sqlite_template.CACHE / f"{sqlite_template._key()}.sqlite3").exists()
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'")
            assert cursor.fetchone()[0] > 0  # the triggers of the migrations came with the copy


def test_the_name_changes_with_a_migration(monkeypatch, tmp_path):
    from django.apps import apps

    before = sqlite_template._key()
    app = apps.get_app_config("core")
    copy = tmp_path / "core"
    (copy / "migrations").mkdir(parents=True)
    for path in (Path(app.path) / "migrations").glob("*.py"):
        (copy / "migrations" / path.name).write_bytes(path.read_bytes())
    monkeypatch.setattr(app, "path", str(copy))
    assert sqlite_template._key() == before
    (copy / "migrations" / "9999_more.py").write_text("# another migration\n")
    assert sqlite_template._key() != before
