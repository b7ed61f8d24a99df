"""API tokens: ``Authorization: Token <key>`` (the DRF header), checked against ``ApiToken``."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from .models import ApiToken

#: last_used_at is written at most this often per token (not on every request)
LAST_USED_GRANULARITY = datetime.timedelta(minutes=5)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> str:
    return secrets.token_hex(20)


def idle_limit() -> datetime.timedelta:
    return datetime.timedelta(days=settings.NOVATOR_API_TOKEN_IDLE_DAYS)


def is_alive(token: ApiToken, *, now: datetime.datetime | None = None) -> bool:
    """Used within the idle limit and issued under the user's current password and session salt."""
    now = now or timezone.now()
    return token.last_used_at > now - idle_limit() and hmac.compare_digest(
        token.credentials, token.user.credentials_fingerprint()
    )


class ApiTokenAuthentication(TokenAuthentication):
    model = ApiToken

    def authenticate_credentials(self, key: str) -> tuple[Any, ApiToken]:
        token = ApiToken.objects.select_related("user").filter(key_hash=hash_key(key)).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        user = token.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        now = timezone.now()
        if not hmac.compare_digest(token.credentials, user.credentials_fingerprint()):
            token.delete()
            raise exceptions.AuthenticationFailed(
                _("The token was revoked by a password change or a sign-out everywhere: request a new one.")
            )
        if token.last_used_at <= now - idle_limit():
            token.delete()
            raise exceptions.AuthenticationFailed(_("The token has expired: request a new one."))
        if token.last_used_at < now - LAST_USED_GRANULARITY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return user, token
