"""Settings for the test suite (pytest). DATABASE_URL selects PostgreSQL, else SQLite."""

from __future__ import annotations

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import STORAGES, database_from_env

SECRET_KEY = "test-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
_tmp = Path(tempfile.mkdtemp(prefix="novator-test-"))
DATABASES = {"default": database_from_env(_tmp / "test.sqlite3")}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": _tmp / "private"},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT = _tmp / "static"
STATIC_ROOT.mkdir()
# Login throttling is tested explicitly (override_settings(AXES_ENABLED=True)); the test client logs in
# without a request, which django-axes refuses.
AXES_ENABLED = False
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
NOVATOR_DEMO = True
LANGUAGE_CODE = "ru"
