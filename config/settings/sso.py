"""Single sign-on by OpenID Connect and the two-factor requirement, from the environment (docs/security.md).

OpenID Connect is off unless ``OIDC_CLIENT_ID`` is set together with ``OIDC_ISSUER`` (the provider's
endpoints are then read from ``<issuer>/.well-known/openid-configuration`` at the first sign-in) or with
the four endpoints given one by one (``OIDC_AUTHORIZATION_ENDPOINT``, ``OIDC_TOKEN_ENDPOINT``,
``OIDC_USERINFO_ENDPOINT``, ``OIDC_JWKS_ENDPOINT``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: the roles whose users may be made to set up two factors (NOVATOR_REQUIRE_2FA_FOR); a regional
#: methodologist's role joins here when it exists
TWO_FACTOR_ROLES = ("admin",)


def sso_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """The OIDC_* settings of mozilla-django-oidc and Novator's own, from environment variables."""
    issuer = env.get("OIDC_ISSUER", "").strip().rstrip("/")
    endpoints = {
        "OIDC_OP_AUTHORIZATION_ENDPOINT": env.get("OIDC_AUTHORIZATION_ENDPOINT", "").strip(),
        "OIDC_OP_TOKEN_ENDPOINT": env.get("OIDC_TOKEN_ENDPOINT", "").strip(),
        "OIDC_OP_USER_ENDPOINT": env.get("OIDC_USERINFO_ENDPOINT", "").strip(),
        "OIDC_OP_JWKS_ENDPOINT": env.get("OIDC_JWKS_ENDPOINT", "").strip(),
    }
    client_id = env.get("OIDC_CLIENT_ID", "").strip()
    enabled = bool(client_id) and (bool(issuer) or all(endpoints.values()))
    required = [r.strip() for r in env.get("NOVATOR_REQUIRE_2FA_FOR", "").split(",") if r.strip()]
    unknown = sorted(set(required) - set(TWO_FACTOR_ROLES))
    if unknown:
        raise ValueError(
            f"NOVATOR_REQUIRE_2FA_FOR: unknown roles {', '.join(unknown)}; "
            f"known: {', '.join(TWO_FACTOR_ROLES)}"
        )
    return {
        "NOVATOR_OIDC_ENABLED": enabled,
        "NOVATOR_OIDC_ISSUER": issuer,
        # the name on the login page's button: «Войти через <name>»
        "NOVATOR_OIDC_PROVIDER_NAME": env.get("OIDC_PROVIDER_NAME", "").strip() or "OpenID Connect",
        # which claim of the provider finds the account, and by which field of the user (a lookup path:
        # email — case-insensitive; username; later person__snils)
        "NOVATOR_OIDC_MATCH_CLAIM": env.get("OIDC_MATCH_CLAIM", "").strip() or "email",
        "NOVATOR_OIDC_MATCH_FIELD": env.get("OIDC_MATCH_FIELD", "").strip() or "email",
        **{k: v for k, v in endpoints.items() if v},
        "OIDC_RP_CLIENT_ID": client_id,
        "OIDC_RP_CLIENT_SECRET": env.get("OIDC_CLIENT_SECRET", ""),
        "OIDC_RP_SIGN_ALGO": env.get("OIDC_SIGN_ALGO", "").strip() or "RS256",
        "OIDC_RP_SCOPES": env.get("OIDC_SCOPES", "").strip() or "openid email",
        # accounts are never created by a sign-in: only existing ones are matched
        "OIDC_CREATE_USER": False,
        "OIDC_USE_NONCE": True,
        "OIDC_USE_PKCE": True,
        "OIDC_TIMEOUT": 15,
        "OIDC_AUTHENTICATION_CALLBACK_URL": "accounts:oidc_callback",
        # two factors: "admin" — administrators must set them up before using the site
        "NOVATOR_REQUIRE_2FA_FOR": required,
    }
