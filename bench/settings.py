"""Settings of the web benchmarks: production-like (DEBUG off, templates cached, no debug toolbar), a
trivial view as the baseline, the database from DATABASE_URL (else the scale's SQLite file)."""

from __future__ import annotations

import os
from pathlib import Path

from config.settings.base import *  # noqa: F403
from config.settings.base import STORAGES, database_from_env

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "bench-only-not-secret")
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "bench.urls"
_sqlite = Path(os.environ.get("BENCH_SQLITE", "/tmp/novator-bench.sqlite3"))  # noqa: S108
DATABASES = {"default": database_from_env(_sqlite)}
# pages use {% static %}: no manifest needed for the benchmark
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# the import benchmark reads a whole national registry in one file
NOVATOR_IMPORT_MAX_ROWS = 200_000
NOVATOR_IMPORT_MAX_BYTES = 100 * 1024 * 1024
# logins of the load test come from one address
AXES_ENABLED = False
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
# as in production (config/settings/production.py): nothing in process memory
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "novator_cache",
        # sessions and the chunks of cached rankings: Django's default of 300 entries would cull them
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
