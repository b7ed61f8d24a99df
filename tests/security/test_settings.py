"""Passwords, sessions, cookies and headers: the settings a user never sees but relies on."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("password", ["short-1", "password1234", "123456789012", "qwertyuiop12"])
def test_weak_passwords_are_refused(password, db):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_strong_password_is_accepted(db):
    validate_password("Сосна-Выселки-2026-весна")


def test_password_change_form_refuses_a_weak_password(client, methodologist):
    from django.urls import reverse

    client.force_login(methodologist)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "pass-for-tests-1", "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    methodologist.refresh_from_db()
    assert methodologist.check_password("pass-for-tests-1")


def test_pages_send_the_security_headers(client, db):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_production_cookies_and_transport_are_secure(tmp_path):
    code = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k) for k in ["
        "'SESSION_COOKIE_SECURE','CSRF_COOKIE_SECURE','SESSION_COOKIE_HTTPONLY','CSRF_COOKIE_HTTPONLY',"
        "'SESSION_COOKIE_NAME','CSRF_COOKIE_NAME','SESSION_COOKIE_SAMESITE','SECURE_HSTS_SECONDS',"
        "'SECURE_SSL_REDIRECT','DEBUG','X_FRAME_OPTIONS','SECURE_CONTENT_TYPE_NOSNIFF']}))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "novator.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "NOVATOR_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SESSION_COOKIE_HTTPONLY"] and values["CSRF_COOKIE_HTTPONLY"]
    assert values["SESSION_COOKIE_NAME"].startswith("__Host-") and values["CSRF_COOKIE_NAME"].startswith(
        "__Host-"
    )
    assert values["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000 and values["SECURE_SSL_REDIRECT"]
    assert (
        values["DEBUG"] is False
        and values["X_FRAME_OPTIONS"] == "DENY"
        and values["SECURE_CONTENT_TYPE_NOSNIFF"]
    )


# --- production refuses to start without a real key and database; /healthz over HTTP (issue #20) ---------


def _production(tmp_path: Path, code: str, **env: str | None) -> subprocess.CompletedProcess[str]:
    """Run `code` after django.setup() under production settings with the environment `env` on top."""
    base = {
        **{k: v for k, v in os.environ.items() if k not in ("DJANGO_SECRET_KEY", "DATABASE_URL")},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "novator.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "NOVATOR_VAR_DIR": str(tmp_path),
    }
    for key, value in env.items():
        if value is None:
            base.pop(key, None)
        else:
            base[key] = value
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        (None, "DJANGO_SECRET_KEY is not set"),
        ("", "DJANGO_SECRET_KEY is not set"),
        ("x", "is 1 characters long; at least 50"),
        ("p" * 60, "only 1 distinct characters"),
        ("change-me-" * 6, "placeholder"),
        ("x7$k!q2@m9#w4^z8&c1*v5(b3)n6_l0" * 2, "repeats itself"),
        ("django-insecure-" + "k" * 40, "placeholder"),
    ],
    ids=["missing", "empty", "one-character", "one-letter", "placeholder", "repeated", "django-insecure"],
)
def test_production_refuses_to_start_without_a_long_random_secret_key(tmp_path, key, reason):
    result = _production(tmp_path, "print('started')", DJANGO_SECRET_KEY=key)
    assert result.returncode != 0 and "started" not in result.stdout
    assert "ImproperlyConfigured" in result.stderr and reason in result.stderr
    assert "secrets.token_urlsafe(50)" in result.stderr  # how to make one
    assert "KeyError" not in result.stderr


def test_random_keys_are_accepted():
    from django.core.management.utils import get_random_secret_key

    from config.settings.checks import secret_key_problem

    for _ in range(200):
        for key in (secrets.token_urlsafe(50), secrets.token_hex(32), get_random_secret_key()):
            assert secret_key_problem(key) is None, key


@pytest.mark.parametrize("url", [None, ""], ids=["missing", "empty"])
def test_production_refuses_to_start_without_a_database_url(tmp_path, url):
    result = _production(tmp_path, "print('started')", DATABASE_URL=url)
    assert result.returncode != 0 and "started" not in result.stdout
    assert "ImproperlyConfigured: DATABASE_URL is not set" in result.stderr
    assert "do not fall back to a local SQLite file" in result.stderr


def test_healthz_over_plain_http_answers_without_a_redirect(tmp_path):
    """The load balancer's health check speaks HTTP to the app server: 200 (or 503), never 301."""
    code = (
        "import json; from django.test import Client; c = Client(); "
        "h = c.get('/healthz', HTTP_HOST='novator.example.org'); "
        "p = c.get('/', HTTP_HOST='novator.example.org'); "
        "print(json.dumps([h.status_code, h.json(), p.status_code, p.get('Location')]))"
    )
    result = _production(tmp_path, code)
    assert result.returncode == 0, result.stderr
    health, body, page, location = json.loads(result.stdout.strip().splitlines()[-1])
    assert (health, body) == (200, {"status": "ok", "database": "ok"})
    assert page == 301 and location == "https://novator.example.org/"  # every other page still redirects
