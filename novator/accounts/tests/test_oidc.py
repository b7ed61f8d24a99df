"""Sign-in by OpenID Connect against a real provider (django-oidc-provider in a second server process,
tests/oidc_provider/), the whole authorization-code flow driven over HTTP with `requests`: our login
redirect → the provider's login form → its consent page → our callback → signed in as the matched user.
Plus the refusals: no matching account, a deactivated one, a forged, replayed or expired state."""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import pytest
import requests
from django.test import override_settings

from config.settings.sso import sso_settings
from novator.accounts.models import User
from novator.accounts.tests.factories import UserFactory
from tests.oidc_provider.serve import CLIENT_ID, CLIENT_SECRET, PASSWORD

ROOT = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def provider(live_server: Any) -> Iterator[str]:
    """The provider's base URL; one process for the module, with its own SQLite file."""
    with tempfile.TemporaryDirectory(prefix="novator-op-") as tmp:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.oidc_provider.serve",
                str(Path(tmp) / "op.sqlite3"),
                f"{live_server.url}/accounts/oidc/callback/",
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert process.stdout is not None
            line = ""
            for line in process.stdout:
                if line.startswith("READY "):
                    break
            assert line.startswith("READY "), "the OpenID Connect provider did not start"
            yield line.split()[1]
        finally:
            process.terminate()
            process.wait(timeout=10)


@pytest.fixture
def sso(provider: str) -> Iterator[str]:
    """Single sign-on on, configured as an operator would: from the environment."""
    env = {
        "OIDC_ISSUER": f"{provider}/openid",
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_PROVIDER_NAME": "Keycloak",
    }
    with override_settings(**sso_settings(env)):
        yield provider


class Forms(HTMLParser):
    """The forms of a page: their action and their inputs (the submit button's name too)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "fields": {}})
        elif tag == "input" and self.forms and a.get("name") and a.get("type") != "submit":
            self.forms[-1]["fields"][a["name"]] = a.get("value", "")


def forms_of(response: requests.Response) -> list[dict[str, Any]]:
    parser = Forms()
    parser.feed(response.text)
    return parser.forms


def sign_in_at_provider(browser: requests.Session, base: str, username: str, *, allow: bool = True) -> str:
    """From our «Войти через …» to the URL of our callback that the provider sends the browser to."""
    response = browser.get(f"{base}/accounts/oidc/login/", allow_redirects=False)
    assert response.status_code == 302, response.text[:300]
    authorize = response.headers["Location"]
    query = parse_qs(urlsplit(authorize).query)
    assert query["client_id"] == [CLIENT_ID] and "state" in query and "code_challenge" in query
    # the provider: its login form, then its consent page
    response = browser.get(authorize)
    assert "/login/" in response.url
    login = forms_of(response)[0]
    fields = {**login["fields"], "username": username, "password": PASSWORD}
    response = browser.post(response.url, data=fields)
    assert "Request for Permission" in response.text, response.text[:500]
    consent = forms_of(response)[0]
    fields = dict(consent["fields"])
    if allow:
        fields["allow"] = "Authorize"
    response = browser.post(urljoin(response.url, consent["action"]), data=fields, allow_redirects=False)
    assert response.status_code == 302
    callback = response.headers["Location"]
    assert callback.startswith(f"{base}/accounts/oidc/callback/?"), callback
    return callback


def signed_in_as(browser: requests.Session, base: str) -> str | None:
    response = browser.get(f"{base}/accounts/", allow_redirects=False)
    if response.status_code != 200:
        return None
    # the account page: full name, login, e-mail
    values = re.findall(r'<dd class="col-sm-9">([^<]*)</dd>', response.text)
    return values[1] if len(values) > 1 else "?"


def messages_after(browser: requests.Session, response: requests.Response) -> str:
    assert response.status_code == 302 and response.headers["Location"] == "/accounts/login/"
    return browser.get(urljoin(response.url, "/accounts/login/")).text


def test_the_login_page_offers_single_sign_on_only_when_it_is_on(client, sso):
    page = client.get("/accounts/login/").content.decode()
    assert "Войти через Keycloak" in page and 'href="/accounts/oidc/login/"' in page
    with override_settings(NOVATOR_OIDC_ENABLED=False):
        assert "Войти через" not in client.get("/accounts/login/").content.decode()
        assert client.get("/accounts/oidc/login/").status_code == 404
        assert client.get("/accounts/oidc/callback/?code=x&state=y").status_code == 404


def test_sign_in_through_the_provider_as_the_matching_account_and_out(live_server, sso):
    olga = UserFactory(username="o.smirnova", email="Olga.Smirnova@school1.example.org")
    UserFactory(username="someone-else", email="someone@school1.example.org")
    users_before = User.objects.count()
    browser = requests.Session()
    callback = sign_in_at_provider(browser, live_server.url, "olga")
    response = browser.get(callback, allow_redirects=False)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert signed_in_as(browser, live_server.url) == olga.username
    assert User.objects.count() == users_before
    assert not olga.role_assignments.exists()
    # the callback cannot be replayed: its state is used up
    replay = browser.get(callback, allow_redirects=False)
    assert "устарел или был начат не здесь" in messages_after(browser, replay)
    # logout ends the local session
    csrf = browser.cookies.get("csrftoken")
    browser.post(
        f"{live_server.url}/accounts/logout/",
        data={"csrfmiddlewaretoken": csrf},
        headers={"Referer": f"{live_server.url}/accounts/"},
    )
    assert signed_in_as(browser, live_server.url) is None


def test_no_matching_account_gets_a_message_and_nothing_is_created(live_server, sso):
    UserFactory(username="o.smirnova", email="olga.smirnova@school1.example.org")
    users_before = User.objects.count()
    browser = requests.Session()
    response = browser.get(sign_in_at_provider(browser, live_server.url, "stranger"), allow_redirects=False)
    page = messages_after(browser, response)
    assert "Учётной записи «Новатора» для stranger@elsewhere.example.org нет" in page
    assert User.objects.count() == users_before
    assert signed_in_as(browser, live_server.url) is None


def test_a_deactivated_account_is_refused(live_server, sso):
    UserFactory(username="retired", email="retired@school1.example.org", is_active=False)
    browser = requests.Session()
    response = browser.get(sign_in_at_provider(browser, live_server.url, "retired"), allow_redirects=False)
    assert "учётная запись в «Новаторе» отключена" in messages_after(browser, response)
    assert signed_in_as(browser, live_server.url) is None


def test_a_forged_or_foreign_state_is_refused(live_server, sso):
    UserFactory(username="o.smirnova", email="olga.smirnova@school1.example.org")
    browser = requests.Session()
    callback = sign_in_at_provider(browser, live_server.url, "olga")
    query = parse_qs(urlsplit(callback).query)
    forged = f"{live_server.url}/accounts/oidc/callback/?" + urlencode(
        {"code": query["code"][0], "state": "forged-" + query["state"][0]}
    )
    response = browser.get(forged, allow_redirects=False)
    assert "устарел или был начат не здесь" in messages_after(browser, response)
    assert signed_in_as(browser, live_server.url) is None
    # the genuine callback in another browser (no state in its session: expired, or another tab)
    other = requests.Session()
    response = other.get(callback, allow_redirects=False)
    assert "устарел или был начат не здесь" in messages_after(other, response)
    assert signed_in_as(other, live_server.url) is None


def test_declined_consent_is_reported(live_server, sso):
    browser = requests.Session()
    callback = sign_in_at_provider(browser, live_server.url, "olga", allow=False)
    response = browser.get(callback, allow_redirects=False)
    assert "Keycloak не выполнил вход" in messages_after(browser, response)


def test_matching_by_a_configured_claim(live_server, provider):
    ivan = UserFactory(username="ivan", email="")
    env = {
        "OIDC_ISSUER": f"{provider}/openid",
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_SCOPES": "openid profile",
        "OIDC_MATCH_CLAIM": "preferred_username",
        "OIDC_MATCH_FIELD": "username",
    }
    with override_settings(**sso_settings(env)):
        browser = requests.Session()
        browser.get(sign_in_at_provider(browser, live_server.url, "ivan"))
        assert signed_in_as(browser, live_server.url) == ivan.username


def test_a_user_with_two_factors_gives_the_code_after_the_provider(live_server, sso):
    from novator.accounts import otp

    from .test_otp import code_for

    olga = UserFactory(username="o.smirnova", email="olga.smirnova@school1.example.org")
    device = otp.totp_setup_start(actor=olga)
    otp.totp_setup_confirm(actor=olga, token=code_for(device))
    device.refresh_from_db()
    browser = requests.Session()
    response = browser.get(sign_in_at_provider(browser, live_server.url, "olga"), allow_redirects=False)
    assert response.headers["Location"] == "/accounts/login/code/"
    assert signed_in_as(browser, live_server.url) is None
    page = browser.get(f"{live_server.url}/accounts/login/code/")
    form = next(f for f in forms_of(page) if "code" in f["fields"])
    fields = {**form["fields"], "code": code_for(device, offset=1)}
    response = browser.post(page.url, data=fields, headers={"Referer": page.url}, allow_redirects=False)
    assert response.status_code == 302
    assert signed_in_as(browser, live_server.url) == olga.username


def test_a_session_signed_in_through_the_provider_ends_when_the_account_is_deactivated(live_server, sso):
    olga = UserFactory(username="o.smirnova", email="olga.smirnova@school1.example.org")
    browser = requests.Session()
    browser.get(sign_in_at_provider(browser, live_server.url, "olga"))
    assert signed_in_as(browser, live_server.url) == olga.username
    User.objects.filter(pk=olga.pk).update(is_active=False)
    assert signed_in_as(browser, live_server.url) is None
