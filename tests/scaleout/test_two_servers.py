"""Two stateless app servers against one PostgreSQL and one shared file directory.

The user logs in on server 1, uploads a file on server 1 with that session, and server 2 — another
gunicorn process that shares nothing with the first but the database and the directory — knows the
session (sessions `cached_db`, cache in the database) and serves the file. Runs the production settings
(`config/settings/production.py`, via tests/scaleout/server_settings.py). Skipped without PostgreSQL.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from novator.accounts.models import RoleAssignment, User
from novator.library.models import MethodProduct, ProductFile
from novator.library.tests.factories import MethodProductFactory

ROOT = Path(__file__).resolve().parent.parent.parent
PORTS = (8112, 8113)
PDF = b"%PDF-1.4\n% \xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PASSWORD = "scale-out-Password-1"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
        reason="needs DATABASE_URL of PostgreSQL: SQLite is one machine's file",
    ),
]


class Browser:
    """Cookies by hand (the production cookies are Secure; the test talks plain HTTP on loopback)."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}
        self.opener = urllib.request.build_opener(_NoRedirect)

    def request(
        self, url: str, data: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        req = urllib.request.Request(url, data=data, headers=dict(headers or {}))
        if self.cookies:
            req.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        try:
            response = self.opener.open(req, timeout=30)
        except urllib.error.HTTPError as exc:
            response = exc
        body = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _eq, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, dict(response.headers), body

    def post_form(self, url: str, fields: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        data = urllib.parse.urlencode(fields).encode()
        return self.request(url, data, {"Content-Type": "application/x-www-form-urlencoded"})

    def post_multipart(
        self, url: str, fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]
    ) -> tuple[int, dict[str, str], bytes]:
        boundary = uuid.uuid4().hex
        parts: list[bytes] = []
        for name, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            )
        for name, (filename, content, content_type) in files.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: {content_type}\r\n\r\n".encode()
                + content
                + b"\r\n"
            )
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(
            url, b"".join(parts), {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def _database_url() -> str:
    d = connection.settings_dict
    return (
        f"postgres://{urllib.parse.quote(d['USER'])}:{urllib.parse.quote(d['PASSWORD'])}@"
        f"{d['HOST'] or '127.0.0.1'}:{d['PORT'] or 5432}/{d['NAME']}"
    )


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[tuple[str, str]]:
    if not all(_free(p) for p in PORTS):
        pytest.skip(f"ports {PORTS} are taken")
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)},
        "DJANGO_SETTINGS_MODULE": "tests.scaleout.server_settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),  # production refuses a short one
        "DATABASE_URL": _database_url(),
        "NOVATOR_VAR_DIR": str(tmp_path / "shared"),  # the shared directory of uploaded files
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("REDIS_URL", None)
    env.pop("STORAGE_S3_BUCKET", None)
    # the cache table of the production settings (the test settings have no database cache)
    subprocess.run(
        [str(ROOT / ".venv/bin/python"), "manage.py", "createcachetable"], cwd=ROOT, env=env, check=True
    )
    processes = [
        subprocess.Popen(
            [
                str(ROOT / ".venv/bin/gunicorn"),
                "config.wsgi:application",
                "--workers",
                "1",
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        for port in PORTS
    ]
    urls = tuple(f"http://127.0.0.1:{port}" for port in PORTS)
    try:
        for url in urls:
            for _ in range(120):
                try:
                    with urllib.request.urlopen(url + "/healthz", timeout=2) as r:
                        if r.status == 200:
                            break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    time.sleep(0.25)
            else:
                pytest.fail(f"{url} did not start")
        yield urls[0], urls[1]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def _csrf(body: bytes) -> str:
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    assert match, "no CSRF token in the page"
    return match.group(1).decode()


def test_session_and_files_are_shared_between_two_servers(servers):
    one, two = servers
    # hashed as the servers hash (the test settings use MD5, which production does not accept)
    user = User.objects.create(
        username="scaleout-admin",
        password=PBKDF2PasswordHasher().encode(PASSWORD, "scaleoutsalt"),
        is_staff=True,
    )
    RoleAssignment.objects.create(user=user, role="admin")
    product = cast("MethodProduct", MethodProductFactory(is_published=False))

    browser = Browser()
    status, _h, body = browser.request(f"{one}/accounts/login/")
    assert status == 200
    status, headers, _b = browser.post_form(
        f"{one}/accounts/login/",
        {"username": user.username, "password": PASSWORD, "csrfmiddlewaretoken": _csrf(body)},
    )
    assert status == 302, "the login on server 1 failed"
    assert any(name.endswith("sessionid") for name in browser.cookies)

    # server 2 knows the session: the draft product is visible only to those who may manage it
    status, _h, body = browser.request(f"{two}/library/{product.pk}/")
    assert status == 200
    # … and an anonymous visitor of server 2 does not see it
    assert Browser().request(f"{two}/library/{product.pk}/")[0] in (302, 403, 404)

    # upload on server 1 (the CSRF token of server 2's page works there too: one secret key)
    status, _h, _b = browser.post_multipart(
        f"{one}/library/{product.pk}/files/",
        {"csrfmiddlewaretoken": _csrf(body), "file-title": "Презентация"},
        {"file-upload": ("опыт.pdf", PDF, "application/pdf")},
    )
    assert status == 302, "the upload on server 1 failed"
    item = ProductFile.objects.get(product=product)

    # download on server 2, from the shared directory
    status, headers, content = browser.request(f"{two}/library/files/{item.pk}/")
    assert status == 200
    assert content == PDF
    assert "attachment" in headers.get("Content-Disposition", "")
    # the file is not served to a stranger by either server
    assert Browser().request(f"{two}/library/files/{item.pk}/")[0] in (302, 403, 404)

    # logging out on server 2 ends the session on server 1 too
    status, _h, body = browser.request(f"{two}/library/{product.pk}/")
    status, _h, _b = browser.post_form(f"{two}/accounts/logout/", {"csrfmiddlewaretoken": _csrf(body)})
    assert status == 302
    assert browser.request(f"{one}/library/{product.pk}/")[0] in (302, 403, 404)
