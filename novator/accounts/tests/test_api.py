from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from novator.accounts.models import ApiToken
from novator.organizations.models import Organization

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
PASSWORD = "pass-for-tests-1"  # the factories' password


@pytest.fixture
def api() -> APIClient:
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


def test_token_for_right_password_is_stored_hashed(api, methodologist):
    response = api.post(
        TOKEN, {"username": methodologist.username, "password": PASSWORD, "name": "отчёт"}, format="json"
    )
    assert response.status_code == 200
    data = response.json()
    token = data["token"]
    stored = ApiToken.objects.get(user=methodologist)
    assert stored.pk == data["id"] and data["expires_after_days_unused"] == 30
    assert token not in (stored.key_hash, stored.prefix) and token.startswith(stored.prefix)
    assert stored.name == "отчёт"
    again = api.post(TOKEN, {"username": methodologist.username, "password": PASSWORD}, format="json")
    assert again.json()["token"] != token  # one token per client; both work
    assert ApiToken.objects.filter(user=methodologist).count() == 2


@pytest.mark.parametrize(
    "data",
    [
        {"username": "methodologist-1", "password": "wrong-password"},
        {"username": "nobody", "password": PASSWORD},
    ],
)
def test_wrong_credentials_are_400_with_a_clear_message(api, methodologist, data):
    response = api.post(TOKEN, data, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Wrong username or password."]}
    assert not ApiToken.objects.exists()


def test_inactive_user_gets_no_token(api, methodologist):
    methodologist.is_active = False
    methodologist.save()
    response = api.post(TOKEN, {"username": methodologist.username, "password": PASSWORD}, format="json")
    assert response.status_code == 400


def test_missing_fields_are_named(api):
    response = api.post(TOKEN, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"username", "password"}


def test_token_authorises_writes(api, coordinator, org_a):
    token = api.post(TOKEN, {"username": coordinator.username, "password": PASSWORD}, format="json").json()[
        "token"
    ]
    url = f"/api/v1/organizations/{org_a.pk}/"
    assert api.patch(url, {"phone": "+7 000"}, format="json").status_code == 401
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = api.patch(url, {"phone": "+7 861 000-00-01"}, format="json")
    assert response.status_code == 200
    assert Organization.objects.get(pk=org_a.pk).phone == "+7 861 000-00-01"


def test_bad_token_is_401(api, org_a):
    api.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    response = api.get("/api/v1/organizations/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_token_endpoint_is_throttled(api, methodologist):
    for _ in range(20):
        api.post(TOKEN, {"username": methodologist.username, "password": "wrong"}, format="json")
    response = api.post(TOKEN, {"username": methodologist.username, "password": PASSWORD}, format="json")
    assert response.status_code == 429
    assert "token" not in response.json()
