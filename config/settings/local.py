"""Local use on one machine: `make run` (gunicorn) and `make dev` (runserver)."""

from __future__ import annotations

import os

from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = os.environ.get("DJANGO_DEBUG", "0") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", *os.environ.get("ALLOWED_HOSTS", "").split(",")]
ALLOWED_HOSTS = [h for h in ALLOWED_HOSTS if h]


def _local_secret_key() -> str:
    """A per-installation secret kept in var/, so sessions survive restarts."""
    env = os.environ.get("DJANGO_SECRET_KEY")
    if env:
        return env
    from django.core.management.utils import get_random_secret_key

    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(get_random_secret_key())
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _local_secret_key()

# `make run`: every outgoing message is written to var/mail/ as one .eml file (unless EMAIL_URL is set).
if not os.environ.get("EMAIL_URL"):
    NOVATOR_EMAIL_DELIVERY_BACKEND = "novator.notifications.mail.EmlFileBackend"
