"""Checks of the environment that production settings refuse to start without (not a settings module).

Raised as ImproperlyConfigured with a message that says what to set and how, instead of a KeyError or a
warning nobody reads: a short or guessable DJANGO_SECRET_KEY lets anyone forge sessions and password-reset
links, and a missing DATABASE_URL would silently put production on a local SQLite file.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

SECRET_KEY_MIN_LENGTH = 50
#: A random key of 50 characters has 30 or more distinct ones; a hexadecimal one 10 or more (odds 1e-8).
SECRET_KEY_MIN_DISTINCT = 10
#: Placeholders and words that no random key of this length contains by chance.
_PLACEHOLDERS = ("secret", "change", "example", "password", "insecure", "django", "novator", "123456")
GENERATE_HINT = (
    "Generate one with\n"
    '    python -c "import secrets; print(secrets.token_urlsafe(50))"\n'
    "and set it in the environment of the web server and the task worker (the same key on every server)."
)


def secret_key_problem(key: str) -> str | None:
    """Why `key` is not a long random secret key, or None when it looks like one."""
    if not key:
        return "is not set"
    if len(key) < SECRET_KEY_MIN_LENGTH:
        return f"is {len(key)} characters long; at least {SECRET_KEY_MIN_LENGTH} are needed"
    lowered = key.lower()
    if any(word in lowered for word in _PLACEHOLDERS):
        return "looks like a placeholder or a phrase, not a random key"
    if len(set(key)) < SECRET_KEY_MIN_DISTINCT:
        return f"has only {len(set(key))} distinct characters, so it is not random"
    grams = [key[i : i + 8] for i in range(len(key) - 7)]
    if len(set(grams)) < len(grams):
        return "repeats itself, so it is not random"
    neighbours = sum(abs(ord(a) - ord(b)) <= 1 for a, b in itertools.pairwise(key))
    if neighbours * 2 > len(key) - 1:
        return "is mostly a run of neighbouring characters, so it is not random"
    return None


def require_secret_key(environ: Mapping[str, str]) -> str:
    key = environ.get("DJANGO_SECRET_KEY", "")
    problem = secret_key_problem(key)
    if problem:
        raise ImproperlyConfigured(
            f"DJANGO_SECRET_KEY {problem}. Production needs a long random key of at least "
            f"{SECRET_KEY_MIN_LENGTH} characters. {GENERATE_HINT}"
        )
    return key


def require_database_url(environ: Mapping[str, str]) -> str:
    url = environ.get("DATABASE_URL", "").strip()
    if not url:
        raise ImproperlyConfigured(
            "DATABASE_URL is not set. Production settings do not fall back to a local SQLite file. Set "
            "DATABASE_URL=postgres://user:password@host:5432/novator, or, for a single server on purpose, "
            "DATABASE_URL=sqlite:////var/lib/novator/db.sqlite3 (docs/deployment.md)."
        )
    return url
