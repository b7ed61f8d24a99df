"""Helpers shared by the contest services."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _


def require(actor: Any, perm: str, obj: Any = None) -> None:
    """Raise PermissionDenied unless `actor` holds `perm` (on `obj`). `actor=None` is the system."""
    if actor is not None and not actor.has_perm(perm, obj):
        raise PermissionDenied(_("You do not have permission to do this."))


def now() -> datetime.datetime:
    return timezone.now()


def user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def moscow(moment: datetime.datetime) -> str:
    """A moment as the user reads it: 01.09.2022 09:00 (Europe/Moscow, the current time zone)."""
    return timezone.localtime(moment).strftime("%d.%m.%Y %H:%M")
