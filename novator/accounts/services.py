"""Writes for accounts: creating users and granting roles."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from novator.core import audit

from .authentication import hash_key, idle_limit, is_alive, new_key
from .models import ApiToken, Role, RoleAssignment, User
from .scope import forget_scope

logger = logging.getLogger(__name__)


def email_taken_check(email: str, *, exclude_pk: int | None = None) -> None:
    """Refuse an e-mail address another account already has (case-insensitively): the password reset
    and, later, invitations find the account by it."""
    if not email:
        return
    others = User.objects.filter(email__iexact=email)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if others.exists():
        raise ValidationError(
            _("Another account already has the e-mail address %(email)s.") % {"email": email},
            code="email_taken",
        )


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    password: str | None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    middle_name: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    email = email.strip()
    try:
        email_taken_check(email)
    except ValidationError as exc:
        raise ValidationError({"email": exc.messages}) from None
    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        middle_name=middle_name,
        is_staff=is_staff or is_superuser,
        is_superuser=is_superuser,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit.record(actor=actor, action="user.create", obj=user, changes={"username": [None, username]})
    return user


@transaction.atomic
def role_grant(
    *,
    actor: Any,
    user: User,
    role: str,
    region: Any = None,
    municipality: Any = None,
    organization: Any = None,
) -> RoleAssignment:
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, role=Role(role), region=region, municipality=municipality, organization=organization
    )
    if created:
        audit.record(
            actor=actor,
            action="role.grant",
            obj=user,
            changes={"role": [None, str(assignment)]},
        )
    forget_scope(user)
    return assignment


# --- API tokens and signing out ----------------------------------------------------------------------


@transaction.atomic
def api_token_issue(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new API token for ``user`` (who has just proved the password); returns it with its key, which
    is not stored and cannot be shown again. The user's dead tokens are removed, and beyond
    ``NOVATOR_API_TOKENS_PER_USER`` the least recently used ones are revoked."""
    now = timezone.now()
    ApiToken.objects.filter(user=user, last_used_at__lte=now - idle_limit()).delete()
    key = new_key()
    token = ApiToken.objects.create(
        user=user,
        key_hash=hash_key(key),
        prefix=key[:8],
        name=" ".join(name.split())[:100],
        last_used_at=now,
        credentials=user.credentials_fingerprint(),
    )
    keep = list(
        ApiToken.objects.filter(user=user).order_by("-last_used_at", "-id")[
            : settings.NOVATOR_API_TOKENS_PER_USER
        ]
    )
    ApiToken.objects.filter(user=user).exclude(pk__in=[t.pk for t in keep]).delete()
    logger.info("API token %s… issued to user %s", token.prefix, user.pk)
    return token, key


def api_tokens_of(user: Any) -> list[ApiToken]:
    """The user's live tokens, most recently used first (a dead one is not listed)."""
    now = timezone.now()
    tokens = ApiToken.objects.filter(user=user, last_used_at__gt=now - idle_limit()).select_related("user")
    return [t for t in tokens if is_alive(t, now=now)]


@transaction.atomic
def api_token_revoke(*, actor: Any, pk: int) -> ApiToken:
    """Revoke one of the actor's own tokens (ApiToken.DoesNotExist for anyone else's)."""
    token = ApiToken.objects.select_for_update().get(pk=pk, user=actor)
    token.delete()
    audit.record(actor=actor, action="api_token.revoke", obj=actor, changes={"token": [token.prefix, None]})
    return token


@transaction.atomic
def user_sign_out_everywhere(*, actor: Any) -> int:
    """End every session of the actor (this one included) and revoke all their API tokens; returns the
    number of tokens revoked. A new session salt makes every session's hash stale."""
    user = User.objects.select_for_update().get(pk=actor.pk)
    user.session_salt = get_random_string(32)
    user.save(update_fields=["session_salt"])
    revoked, _deleted = ApiToken.objects.filter(user=user).delete()
    audit.record(
        actor=actor, action="user.sign_out_everywhere", obj=user, changes={"api_tokens": [revoked, 0]}
    )
    return revoked


@transaction.atomic
def user_password_changed(*, actor: Any, user: User, reset: bool = False) -> int:
    """After a password change (``reset``: through an e-mailed link): revoke every API token of the user
    and record it. The other sessions end by themselves (their hash is of the old password); returns the
    number of tokens revoked."""
    revoked, _deleted = ApiToken.objects.filter(user=user).delete()
    audit.record(
        actor=actor if getattr(actor, "is_authenticated", False) else user,
        action="user.password_reset" if reset else "user.password_change",
        obj=user,
        changes={"api_tokens": [revoked, 0]},
    )
    return revoked
