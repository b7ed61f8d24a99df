"""Sign-in by OpenID Connect (mozilla-django-oidc): a region plugs its identity provider (Keycloak, a
regional ЕСИА gateway). Off unless configured (config/settings/sso.py).

A sign-in finds an EXISTING active account by a claim (``email`` by default, case-insensitively, or the
one ``OIDC_MATCH_CLAIM`` names); it never creates an account nor gives a role. Whatever goes wrong —
no matching account, a deactivated one, a forged or stale ``state``, the provider's refusal — the user is
back on the login page with a message saying what happened, and nothing is changed.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from .otp import has_two_factors, login_pending_start

logger = logging.getLogger(__name__)

#: mozilla-django-oidc's setting → the key of the provider's discovery document
_DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


def oidc_enabled() -> bool:
    return bool(getattr(settings, "NOVATOR_OIDC_ENABLED", False))


def provider_name() -> str:
    return str(getattr(settings, "NOVATOR_OIDC_PROVIDER_NAME", "OpenID Connect"))


@functools.lru_cache(maxsize=8)
def discover(issuer: str) -> dict[str, Any]:
    """The provider's ``/.well-known/openid-configuration`` (read once per process; a failure is not
    remembered)."""
    response = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=15)
    response.raise_for_status()
    document: dict[str, Any] = response.json()
    return document


def oidc_setting(attr: str, *args: Any) -> Any:
    """A setting of mozilla-django-oidc; an endpoint that is not set is discovered from the issuer."""
    if attr in _DISCOVERED and not getattr(settings, attr, None) and settings.NOVATOR_OIDC_ISSUER:
        return discover(settings.NOVATOR_OIDC_ISSUER)[_DISCOVERED[attr]]
    return import_from_settings(attr, *args)


def _refuse(request: HttpRequest | None, message: str) -> None:
    if request is not None:
        messages.error(request, message)
        request.novator_oidc_refused = True  # type: ignore[attr-defined]


class OIDCBackend(OIDCAuthenticationBackend):
    """Authenticates the callback of a sign-in, matching existing accounts only."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Django builds every backend for every password login too: read the provider's settings only when on
        self.UserModel = get_user_model()
        if oidc_enabled():
            super().__init__(*args, **kwargs)

    def authenticate(self, request: Any, **kwargs: Any) -> Any:
        # only the callback of our sign-in passes a nonce; a password login never reaches the provider
        if not oidc_enabled() or request is None or "nonce" not in kwargs:
            return None
        return super().authenticate(request, **kwargs)

    def get_user(self, user_id: Any) -> Any:
        """The user of a session signed in through the provider; none once deactivated (as Django's
        ModelBackend does for a password sign-in)."""
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(str(claims.get(settings.NOVATOR_OIDC_MATCH_CLAIM) or "").strip())

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        value = str(claims.get(settings.NOVATOR_OIDC_MATCH_CLAIM) or "").strip()
        field = settings.NOVATOR_OIDC_MATCH_FIELD
        if not value:
            return self.UserModel.objects.none()
        lookup = f"{field}__iexact" if field in ("email", "username") else field
        return self.UserModel.objects.filter(**{lookup: value})

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        """The one active account that the claim names; else a message on the login page and None."""
        claims = self.get_userinfo(access_token, id_token, payload)
        claim = settings.NOVATOR_OIDC_MATCH_CLAIM
        if not self.verify_claims(claims):
            _refuse(
                self.request,
                _("%(provider)s did not tell who you are (no “%(claim)s”): sign in with your password.")
                % {"provider": provider_name(), "claim": claim},
            )
            return None
        users = list(self.filter_users_by_claims(claims)[:2])
        value = str(claims.get(claim)).strip()
        if not users:
            logger.info("OIDC sign-in refused: no account with %s=%s", claim, value)
            _refuse(
                self.request,
                _(
                    "There is no Novator account for %(value)s. Accounts are not created by signing in "
                    "through %(provider)s: ask your coordinator or the methodological centre for an "
                    "invitation."
                )
                % {"value": value, "provider": provider_name()},
            )
            return None
        if len(users) > 1:
            logger.warning("OIDC sign-in refused: several accounts with %s=%s", claim, value)
            _refuse(
                self.request,
                _(
                    "Several Novator accounts match %(value)s, so none was chosen: ask the "
                    "methodological centre to leave one."
                )
                % {"value": value},
            )
            return None
        user = users[0]
        if not user.is_active:
            _refuse(
                self.request,
                _("Your Novator account has been deactivated: ask the methodological centre."),
            )
            return None
        return user

    def create_user(self, claims: dict[str, Any]) -> Any:  # pragma: no cover - OIDC_CREATE_USER is False
        raise SuspiciousOperation("Novator does not create accounts on an OpenID Connect sign-in")


def _login_failed(request: HttpRequest, message: str | None = None) -> HttpResponse:
    if message:
        messages.error(request, message)
    return HttpResponseRedirect(reverse("accounts:login"))


class OIDCLoginView(OIDCAuthenticationRequestView):
    """«Войти через …»: to the provider's sign-in page (404 while single sign-on is off)."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # the endpoints are read at the request (the discovery may fail, and the setting may be off)
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not oidc_enabled():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = self.get_settings("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except (requests.RequestException, ValueError, KeyError):
            logger.exception("OIDC discovery failed")
            return _login_failed(
                request,
                _("%(provider)s is not answering: try again later or sign in with your password.")
                % {"provider": provider_name()},
            )
        self.OIDC_RP_CLIENT_ID = self.get_settings("OIDC_RP_CLIENT_ID")
        response: HttpResponse = super().get(request)
        return response


class OIDCCallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the user back. A user with two factors on gives the code next."""

    get_settings = staticmethod(oidc_setting)

    @property
    def failure_url(self) -> str:
        return reverse("accounts:login")

    def login_failure(self) -> HttpResponse:
        request = self.request
        if not getattr(request, "novator_oidc_refused", False):
            if request.GET.get("error"):
                messages.error(
                    request,
                    _("%(provider)s did not sign you in: %(error)s.")
                    % {
                        "provider": provider_name(),
                        "error": request.GET.get("error_description") or request.GET["error"],
                    },
                )
            else:
                messages.error(
                    request,
                    _("The sign-in through %(provider)s has expired or was not started here: try again.")
                    % {"provider": provider_name()},
                )
        return HttpResponseRedirect(self.failure_url)

    def login_success(self) -> HttpResponse:
        if has_two_factors(self.user):
            return login_pending_start(
                self.request,
                self.user,
                backend="novator.accounts.oidc.OIDCBackend",
                next_url=self.success_url,
            )
        response: HttpResponse = super().login_success()
        return response

    def get(self, request: HttpRequest) -> HttpResponse:
        if not oidc_enabled():
            raise Http404
        try:
            response: HttpResponse = super().get(request)
        except SuspiciousOperation as exc:
            # a state that this browser's session never issued (forged, replayed, or from another tab),
            # a nonce that does not match, a token whose signature fails
            logger.warning("OIDC callback refused: %s", exc)
            return self.login_failure()
        except requests.HTTPError:
            # the provider refused the code (used already, or issued for another client)
            logger.warning("OIDC provider refused the code", exc_info=True)
            return self.login_failure()
        except requests.RequestException:
            logger.exception("OIDC provider failed during the callback")
            return _login_failed(
                request,
                _("%(provider)s is not answering: try again later or sign in with your password.")
                % {"provider": provider_name()},
            )
        return response
