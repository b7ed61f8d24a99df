"""Security settings that a user never sees but relies on: CSP, login throttling, deploy checks."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>", re.I)


@pytest.mark.parametrize("url", ["/", "/registry/", "/accounts/login/", "/api/v1/docs/"])
def test_pages_send_a_strict_csp_and_have_no_inline_scripts(client, url, org_a):
    response = client.get(url)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    body = response.content.decode()
    assert not INLINE_SCRIPT.search(body), INLINE_SCRIPT.search(body)
    assert " style=" not in body.split("<body", 1)[1]


def test_swagger_init_script_is_served_as_a_file(client):
    page = client.get("/api/v1/docs/").content.decode()
    script_url = re.findall(r'<script src="([^"]+)"', page)[-1]
    script = client.get(script_url.replace("&amp;", "&"))
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()


@override_settings(AXES_ENABLED=True)
def test_login_is_locked_after_ten_failures(client, methodologist):
    url = reverse("accounts:login")
    for _ in range(10):
        response = client.post(url, {"username": methodologist.username, "password": "wrong"})
    response = client.post(url, {"username": methodologist.username, "password": "pass-for-tests-1"})
    assert response.status_code == 429
    assert "15" in response.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(AXES_ENABLED=True)
def test_a_good_login_resets_the_failures(client, methodologist):
    url = reverse("accounts:login")
    for _ in range(5):
        client.post(url, {"username": methodologist.username, "password": "wrong"})
    response = client.post(url, {"username": methodologist.username, "password": "pass-for-tests-1"})
    assert response.status_code == 302


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "novator.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "NOVATOR_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
