"""Two factors: a TOTP authenticator app (django-otp) and ten single-use recovery codes.

A user with a confirmed authenticator signs in in two steps: the password (or the OpenID Connect
provider) first, which only remembers who is signing in (``login_pending_start``), then the code, which
signs in (``otp_views.login_code``). API tokens are not touched: a token is issued for a password and is
the key of a program, not a person at a browser (docs/security.md).
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from novator.core import audit

from .models import User

RECOVERY_CODES = 10
#: how long the password step waits for the code
PENDING_SECONDS = 5 * 60
_PENDING_KEY = "novator_2fa_pending"
TOTP_NAME = "authenticator"
RECOVERY_NAME = "recovery"


def has_two_factors(user: Any) -> bool:
    """The user has a confirmed authenticator (the recovery codes come with it)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def two_factors_required(user: Any) -> bool:
    """NOVATOR_REQUIRE_2FA_FOR names one of the user's roles."""
    required = settings.NOVATOR_REQUIRE_2FA_FOR
    if not required or not getattr(user, "is_authenticated", False):
        return False
    from .scope import get_scope

    scope = get_scope(user)
    return "admin" in required and scope.is_admin


def _normalize(token: str) -> str:
    return "".join(str(token).split()).replace("-", "").lower()


def otp_match(user: Any, token: str) -> Device | None:
    """The device that accepts ``token``: a current code of the authenticator (each accepted once — an
    old or a reused one is refused), or an unused recovery code (which is used up). None for anything
    else."""
    token = _normalize(token)
    if not token or len(token) > 16:
        return None
    if token.isdigit() and len(token) == 6:
        for totp in TOTPDevice.objects.filter(user=user, confirmed=True):
            if totp.verify_is_allowed()[0] and totp.verify_token(token):
                return totp
        return None
    for static in StaticDevice.objects.filter(user=user, confirmed=True):
        if static.verify_token(token):
            return static
    return None


# --- setting up and turning off ---------------------------------------------------------------------


@transaction.atomic
def totp_setup_start(*, actor: User) -> TOTPDevice:
    """A new, unconfirmed authenticator for the actor (an earlier unconfirmed one is replaced). It does
    nothing until confirmed with a code."""
    TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
    return TOTPDevice.objects.create(user=actor, name=TOTP_NAME, confirmed=False)


def totp_pending(actor: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=actor, confirmed=False).order_by("-id").first()


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def totp_setup_confirm(*, actor: User, token: str) -> list[str]:
    """Confirm the actor's new authenticator with a code from it: two factors are on from now, and the
    ten recovery codes are returned (to be shown once; only they are stored). ValidationError for a
    wrong code, and nothing changes."""
    device = (
        TOTPDevice.objects.select_for_update().filter(user=actor, confirmed=False).order_by("-id").first()
    )
    if device is None:
        raise ValidationError(_("Start the setup again: the authenticator to confirm was not found."))
    code = _normalize(token)
    if not (code.isdigit() and len(code) == 6 and device.verify_token(code)):
        raise ValidationError(
            _("The code is wrong or has expired: enter the six digits the app shows now."), code="otp_wrong"
        )
    TOTPDevice.objects.filter(user=actor, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(actor)
    audit.record(actor=actor, action="user.two_factors_on", obj=actor, changes={"two_factors": [False, True]})
    return codes


@transaction.atomic
def recovery_codes_renew(*, actor: User, token: str) -> list[str]:
    """Ten new recovery codes for a current code of the authenticator (the old ones stop working)."""
    code = _normalize(token)
    device = otp_match(actor, code) if code.isdigit() else None
    if device is None:
        raise ValidationError(_("The code is wrong or has expired: enter the six digits the app shows now."))
    codes = _new_recovery_codes(actor)
    audit.record(actor=actor, action="user.recovery_codes_renew", obj=actor, changes={})
    return codes


@transaction.atomic
def two_factors_disable(*, actor: User, token: str) -> None:
    """Turn two factors off, proved by a current code or an unused recovery code; ValidationError (and
    nothing changes) otherwise."""
    if otp_match(actor, token) is None:
        raise ValidationError(
            _(
                "The code is wrong, expired or already used: enter a code from the app or an unused "
                "recovery code."
            ),
            code="otp_wrong",
        )
    TOTPDevice.objects.filter(user=actor).delete()
    StaticDevice.objects.filter(user=actor).delete()
    audit.record(
        actor=actor, action="user.two_factors_off", obj=actor, changes={"two_factors": [True, False]}
    )


def recovery_codes_left(user: Any) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- the second step of signing in ------------------------------------------------------------------


def login_pending_start(request: HttpRequest, user: Any, *, backend: str, next_url: str) -> HttpResponse:
    """The first factor passed: remember who is signing in (not signed in yet) and ask for the code."""
    request.session[_PENDING_KEY] = {
        "user": user.pk,
        "backend": backend,
        "next": next_url,
        "at": time.time(),
        # a password change in between makes the pending sign-in void
        "hash": user.get_session_auth_hash(),
    }
    return HttpResponseRedirect(reverse("accounts:login_code"))


def login_pending(request: HttpRequest) -> tuple[Any, dict[str, Any]] | None:
    """The user waiting for the second step, with what was remembered; None when nobody is, or when the
    wait has expired, or the account changed (a new password, deactivated)."""
    pending = request.session.get(_PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    if time.time() - float(pending.get("at", 0)) > PENDING_SECONDS:
        login_pending_clear(request)
        return None
    try:
        user = User.objects.filter(pk=int(pending.get("user") or 0), is_active=True).first()
    except (TypeError, ValueError):
        user = None
    if user is None or not constant_time_compare(user.get_session_auth_hash(), str(pending.get("hash"))):
        login_pending_clear(request)
        return None
    return user, pending


def login_pending_clear(request: HttpRequest) -> None:
    request.session.pop(_PENDING_KEY, None)
