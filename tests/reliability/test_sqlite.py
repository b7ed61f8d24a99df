"""SQLite (the one-office default) runs in WAL mode with a busy timeout and IMMEDIATE transactions, so the
web server, the task worker and a backup can work at once and writers wait instead of failing."""

from __future__ import annotations

from django.db.backends.sqlite3.base import DatabaseWrapper

from config.settings.base import database_from_env


def test_the_default_database_is_sqlite_in_wal_mode_with_a_busy_timeout(
    tmp_path, monkeypatch, django_db_blocker
):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    settings_dict = database_from_env(tmp_path / "db.sqlite3")
    assert settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    wrapper = DatabaseWrapper(
        {
            **settings_dict,
            "ATOMIC_REQUESTS": False,
            "AUTOCOMMIT": True,
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "TIME_ZONE": None,
            "USER": "",
            "PASSWORD": "",
            "HOST": "",
            "PORT": "",
            "TEST": {},
        },
        alias="wal-check",
    )
    try:
        with django_db_blocker.unblock(), wrapper.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] >= 5000
    finally:
        wrapper.close()
