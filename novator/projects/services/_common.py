"""Helpers shared by the services of the projects app."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from ..workflow import Transition


def require(actor: Any, perm: str, obj: Any = None) -> None:
    """PermissionDenied unless `actor` holds `perm` (on `obj`). `actor=None` is the system."""
    if actor is not None and not actor.has_perm(perm, obj):
        raise PermissionDenied(_("You do not have permission to do this."))


def user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def ddmmyyyy(day: datetime.date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else ""


def find_transition(
    transitions: Mapping[str, Transition], name: str, state: str, labels: Any, *, actor: Any, obj: Any
) -> Transition:
    """The transition `name` from `state` if `actor` may trigger it on `obj`: PermissionDenied first
    (a stranger learns nothing about the state), then a ValidationError saying why not now."""
    transition = transitions.get(name)
    if transition is None:
        raise ValidationError(_("Unknown action «%(name)s».") % {"name": name}, code="unknown_transition")
    require(actor, transition.permission, obj)
    if state not in transition.sources:
        label = labels(state).label if state in labels.values else state
        if state == transition.target:
            raise ValidationError(
                _("This has already been done: the state is already «%(state)s».") % {"state": label},
                code="already_done",
            )
        raise ValidationError(
            _("This cannot be done now: the state is «%(state)s».") % {"state": label}, code="wrong_state"
        )
    return transition


def clean_text(value: Any, limit: int = 20_000) -> str:
    return str(value or "").strip()[:limit]
