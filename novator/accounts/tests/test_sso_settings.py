"""config/settings/sso.py: single sign-on and the two-factor requirement from the environment."""

from __future__ import annotations

import pytest

from config.settings.sso import sso_settings


def test_single_sign_on_is_off_by_default_and_never_creates_accounts():
    settings = sso_settings({})
    assert settings["NOVATOR_OIDC_ENABLED"] is False
    assert settings["OIDC_CREATE_USER"] is False
    assert settings["NOVATOR_REQUIRE_2FA_FOR"] == []


def test_on_with_an_issuer_or_all_four_endpoints_and_a_client_id():
    assert (
        sso_settings({"OIDC_ISSUER": "https://sso.example.ru/realms/edu/"})["NOVATOR_OIDC_ENABLED"] is False
    )
    on = sso_settings({"OIDC_ISSUER": "https://sso.example.ru/realms/edu/", "OIDC_CLIENT_ID": "novator"})
    assert on["NOVATOR_OIDC_ENABLED"] is True
    assert on["NOVATOR_OIDC_ISSUER"] == "https://sso.example.ru/realms/edu"
    assert on["OIDC_USE_PKCE"] is True and on["OIDC_RP_SIGN_ALGO"] == "RS256"
    endpoints = {
        "OIDC_AUTHORIZATION_ENDPOINT": "https://sso.example.ru/auth",
        "OIDC_TOKEN_ENDPOINT": "https://sso.example.ru/token",
        "OIDC_USERINFO_ENDPOINT": "https://sso.example.ru/userinfo",
    }
    assert sso_settings({**endpoints, "OIDC_CLIENT_ID": "n"})["NOVATOR_OIDC_ENABLED"] is False
    manual = sso_settings(
        {**endpoints, "OIDC_JWKS_ENDPOINT": "https://sso.example.ru/jwks", "OIDC_CLIENT_ID": "n"}
    )
    assert manual["NOVATOR_OIDC_ENABLED"] is True
    assert manual["OIDC_OP_TOKEN_ENDPOINT"] == "https://sso.example.ru/token"


def test_the_two_factor_requirement_names_known_roles_only():
    assert sso_settings({"NOVATOR_REQUIRE_2FA_FOR": " admin "})["NOVATOR_REQUIRE_2FA_FOR"] == ["admin"]
    with pytest.raises(ValueError, match="teachr"):
        sso_settings({"NOVATOR_REQUIRE_2FA_FOR": "admin,teachr"})
