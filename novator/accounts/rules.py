"""Role predicates (django-rules). Object predicates live in the apps that own the objects."""

from __future__ import annotations

from typing import Any

import rules

from .models import Role
from .scope import get_scope


@rules.predicate
def is_admin(user: Any) -> bool:
    return get_scope(user).is_admin


@rules.predicate
def is_region_manager(user: Any) -> bool:
    """Region-wide settings: administrators (and, once there is one, a region-level role)."""
    return get_scope(user).is_region_manager


@rules.predicate
def is_methodologist(user: Any) -> bool:
    return get_scope(user).has_role(Role.METHODOLOGIST)


@rules.predicate
def is_coordinator(user: Any) -> bool:
    return get_scope(user).has_role(Role.COORDINATOR)


@rules.predicate
def is_observer(user: Any) -> bool:
    """An observer, or a regional methodologist (who sees whatever an observer of its region sees)."""
    scope = get_scope(user)
    return scope.has_role(Role.OBSERVER) or scope.has_role(Role.REGIONAL_METHODOLOGIST)


@rules.predicate
def is_regional_methodologist(user: Any) -> bool:
    return bool(get_scope(user).regional_regions)


@rules.predicate
def is_expert(user: Any) -> bool:
    return get_scope(user).has_role(Role.EXPERT)
