from __future__ import annotations

import datetime

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from novator.accounts.client_ip import client_ip
from novator.accounts.models import ApiToken
from novator.accounts.services import api_token_issue
from novator.accounts.tests.factories import api_token_for
from novator.core.models import ActivityLog

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
TOKENS = "/api/v1/auth/tokens/"
PASSWORD = "pass-for-tests-1"


def _api(key: str) -> APIClient:
    return APIClient(HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE="ru")


# --- expiry -------------------------------------------------------------------------------------------


def test_a_token_expires_after_the_idle_days_and_use_keeps_it_alive(coordinator):
    key = api_token_for(coordinator)
    token = ApiToken.objects.get()
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - datetime.timedelta(days=29))
    assert _api(key).get(TOKENS).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at > timezone.now() - datetime.timedelta(minutes=1)  # use renews it

    ApiToken.objects.filter(pk=token.pk).update(
        last_used_at=timezone.now() - datetime.timedelta(days=30, seconds=1)
    )
    response = _api(key).get(TOKENS)
    assert response.status_code == 401 and "истёк" in response.json()["detail"]
    assert not ApiToken.objects.exists()


@override_settings(NOVATOR_API_TOKEN_IDLE_DAYS=2)
def test_the_idle_days_are_a_setting(coordinator):
    key = api_token_for(coordinator)
    ApiToken.objects.update(last_used_at=timezone.now() - datetime.timedelta(days=2, seconds=1))
    assert _api(key).get(TOKENS).status_code == 401


def test_last_use_is_written_at_most_every_few_minutes(coordinator, django_assert_num_queries):
    key = api_token_for(coordinator)
    client = _api(key)
    client.get(TOKENS)
    with django_assert_num_queries(2):  # the token with its user, the list; no UPDATE
        client.get(TOKENS)


def test_a_user_keeps_at_most_the_configured_number_of_tokens(coordinator):
    with override_settings(NOVATOR_API_TOKENS_PER_USER=3):
        keys = [api_token_for(coordinator) for _ in range(5)]
    assert ApiToken.objects.filter(user=coordinator).count() == 3
    assert _api(keys[-1]).get(TOKENS).status_code == 200


# --- listing and revoking -----------------------------------------------------------------------------


def test_the_api_lists_only_the_callers_live_tokens(coordinator, teacher):
    key = api_token_for(coordinator, name="скрипт")
    api_token_for(coordinator, name="ноутбук")
    api_token_for(teacher)
    data = _api(key).get(TOKENS).json()
    assert sorted(t["name"] for t in data) == ["ноутбук", "скрипт"]
    assert [t["current"] for t in data if t["name"] == "скрипт"] == [True]
    assert all("key" not in t and len(t["prefix"]) == 8 for t in data)
    assert APIClient().get(TOKENS).status_code == 401


def test_delete_revokes_the_token_of_the_request(coordinator):
    key = api_token_for(coordinator)
    other = api_token_for(coordinator)
    assert _api(key).delete(TOKEN).status_code == 204
    assert _api(key).get(TOKENS).status_code == 401
    assert _api(other).get(TOKENS).status_code == 200
    assert APIClient().delete(TOKEN).status_code == 401


def test_the_account_page_lists_and_revokes_tokens(client, coordinator, teacher):
    key = api_token_for(coordinator, name="выгрузка")
    theirs, _ = api_token_issue(user=teacher)
    client.force_login(coordinator)
    page = client.get(reverse("accounts:tokens"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    mine = ApiToken.objects.get(user=coordinator)
    assert "выгрузка" in page and mine.prefix in page and key not in page and theirs.prefix not in page
    assert reverse("accounts:tokens") in client.get(reverse("accounts:profile")).content.decode()

    # someone else's token, a made-up id, garbage: a clear message, nothing revoked
    for bad in (theirs.pk, 999999, "x", ""):
        response = client.post(reverse("accounts:token_revoke"), {"token": bad}, follow=True)
        assert "не существует или он уже отозван" in response.content.decode()
    assert ApiToken.objects.count() == 2

    response = client.post(reverse("accounts:token_revoke"), {"token": mine.pk}, follow=True)
    assert f"{mine.prefix}… отозван" in response.content.decode()
    assert list(ApiToken.objects.all()) == [theirs]
    assert ActivityLog.objects.filter(action="api_token.revoke").count() == 1


def test_sign_out_everywhere_ends_every_session_and_token(client, coordinator, teacher):
    key = api_token_for(coordinator)
    teachers = api_token_for(teacher)
    other_browser = APIClient()
    other_browser.login(username=coordinator.username, password=PASSWORD)
    client.login(username=coordinator.username, password=PASSWORD)
    response = client.post(reverse("accounts:sign_out_everywhere"), follow=True, HTTP_ACCEPT_LANGUAGE="ru")
    assert "на всех устройствах" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated
    assert not other_browser.get(reverse("portal:home")).wsgi_request.user.is_authenticated
    assert _api(key).get(TOKENS).status_code == 401
    assert _api(teachers).get(TOKENS).status_code == 200  # nobody else is touched
    # the password still works: a new session is fine
    assert client.login(username=coordinator.username, password=PASSWORD)
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert ActivityLog.objects.filter(action="user.sign_out_everywhere").count() == 1


def test_token_pages_need_login_and_post(client, coordinator):
    assert client.get(reverse("accounts:tokens"))["Location"].startswith(reverse("accounts:login"))
    client.force_login(coordinator)
    assert client.get(reverse("accounts:sign_out_everywhere")).status_code == 405
    assert client.get(reverse("accounts:token_revoke")).status_code == 405


# --- the client's address and throttling --------------------------------------------------------------


class _Request:
    def __init__(self, remote: str, forwarded: str | None = None) -> None:
        self.META = {"REMOTE_ADDR": remote}
        if forwarded is not None:
            self.META["HTTP_X_FORWARDED_FOR"] = forwarded


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "203.0.113.7", "1.1.1.1", "203.0.113.7"),  # no proxy: the header is the client's own words
        (1, "10.0.0.2", "1.1.1.1, 198.51.100.4", "198.51.100.4"),  # what the balancer wrote
        (1, "10.0.0.2", "198.51.100.4", "198.51.100.4"),
        (2, "10.0.0.3", "9.9.9.9, 198.51.100.4, 10.0.0.2", "198.51.100.4"),
        (2, "10.0.0.3", "198.51.100.4", "10.0.0.3"),  # too short: not through every proxy
        (1, "10.0.0.2", "1.1.1.1, not-an-address", "10.0.0.2"),
        (1, "10.0.0.2", None, "10.0.0.2"),
    ],
)
def test_client_ip(proxies, remote, forwarded, expected):
    with override_settings(NOVATOR_TRUSTED_PROXIES=proxies):
        assert client_ip(_Request(remote, forwarded)) == expected


def test_a_fresh_forwarded_header_per_guess_does_not_escape_the_throttle(coordinator):
    api = APIClient()
    codes = [
        api.post(
            TOKEN,
            {"username": coordinator.username, "password": f"guess-{n}"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"10.{n}.0.1",
        ).status_code
        for n in range(60)
    ]
    assert codes[:20] == [400] * 20 and set(codes[20:]) == {429}


@override_settings(NOVATOR_TRUSTED_PROXIES=1)
def test_behind_the_balancer_clients_are_throttled_apart(coordinator):
    api = APIClient(REMOTE_ADDR="10.0.0.2")
    for n in range(25):
        api.post(
            TOKEN,
            {"username": coordinator.username, "password": "wrong"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"spoofed-{n}, 198.51.100.66",
        )
    attacker = api.post(
        TOKEN, {"username": "x", "password": "y"}, format="json", HTTP_X_FORWARDED_FOR="198.51.100.66"
    )
    assert attacker.status_code == 429
    colleague = api.post(
        TOKEN,
        {"username": coordinator.username, "password": PASSWORD},
        format="json",
        HTTP_X_FORWARDED_FOR="203.0.113.10",
    )
    assert colleague.status_code == 200


@override_settings(AXES_ENABLED=True, NOVATOR_TRUSTED_PROXIES=1, AXES_FAILURE_LIMIT=3)
def test_the_lockout_keys_on_the_user_name_and_the_real_address(client, coordinator):
    from axes.utils import reset

    reset()
    url = reverse("accounts:login")
    for n in range(4):
        client.post(
            url,
            {"username": coordinator.username, "password": "wrong"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 198.51.100.66",
        )
    locked = client.post(
        url,
        {"username": coordinator.username, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.66",
    )
    assert locked.status_code == 429
    # the same user from another address behind the same balancer still gets in
    other = client.post(
        url,
        {"username": coordinator.username, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.10",
    )
    assert other.status_code == 302
    reset()


def test_the_token_page_costs_the_same_whatever_the_number_of_tokens(
    client, coordinator, django_assert_max_num_queries
):
    client.force_login(coordinator)
    for _ in range(8):
        api_token_for(coordinator)
    # session, user, the user's roles (navigation), the tokens with their user, the unread count
    with django_assert_max_num_queries(6):
        body = client.get(reverse("accounts:tokens")).content.decode()
    assert body.count("data-token=") == 8


def test_the_tokens_of_before_are_moved_and_keep_working(coordinator):
    """Migration 0003: a rest_framework.authtoken token becomes an ApiToken with the same key."""
    import importlib

    from django.apps import apps
    from rest_framework.authtoken.models import Token

    migration = importlib.import_module("novator.accounts.migrations.0003_api_tokens_session_salt")
    old = Token.objects.create(user=coordinator)
    migration.move_drf_tokens(apps, None)
    assert not Token.objects.exists()
    stored = ApiToken.objects.get(user=coordinator)
    assert stored.prefix == old.key[:8] and old.key not in stored.key_hash
    assert _api(old.key).get(TOKENS).status_code == 200
