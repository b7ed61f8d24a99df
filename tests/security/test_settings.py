"""Passwords, sessions, cookies and headers: the settings a user never sees but relies on."""

from __future__ import annotations

import json
import os
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
        "DJANGO_SECRET_KEY": "p" * 60,
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
