"""What a user may see and change, computed once per user object (one query) and cached on it.

Every permission check in pages, the API and the admin asks this object, so a list of a thousand rows
costs no extra queries for permissions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .models import Role

_CACHE_ATTR = "_novator_scope"


@dataclass(frozen=True)
class Scope:
    authenticated: bool = False
    superuser: bool = False
    roles: frozenset[str] = frozenset()
    # municipality ids where the user is a methodologist
    methodologist_municipalities: frozenset[int] = frozenset()
    # organisation ids where the user is a coordinator / a teacher
    coordinator_organizations: frozenset[int] = frozenset()
    teacher_organizations: frozenset[int] = frozenset()
    # observer scopes (a regional methodologist observes its regions too: it sees what their observers see)
    observer_regions: frozenset[int] = frozenset()
    observer_municipalities: frozenset[int] = frozenset()
    # region ids where the user is a regional methodologist (runs the region's contests, awards its statuses)
    regional_regions: frozenset[int] = frozenset()

    @property
    def is_admin(self) -> bool:
        return self.superuser or Role.ADMIN in self.roles

    @property
    def is_region_manager(self) -> bool:
        """May change what belongs to the whole region (the monitoring's publication, weights and
        catalogue). Today only administrators; a region-level methodologist role would be added here."""
        return self.is_admin

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def primary_role(self) -> str | None:
        for role in (
            Role.ADMIN,
            Role.REGIONAL_METHODOLOGIST,
            Role.METHODOLOGIST,
            Role.COORDINATOR,
            Role.EXPERT,
            Role.OBSERVER,
            Role.TEACHER,
        ):
            if role in self.roles or (role == Role.ADMIN and self.superuser):
                return str(role)
        return None


ANONYMOUS = Scope()


def get_scope(user: Any) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    rows = list(user.role_assignments.values_list("role", "region_id", "municipality_id", "organization_id"))
    roles = frozenset(r[0] for r in rows)

    def ids(role: str, index: int) -> frozenset[int]:
        return frozenset(r[index] for r in rows if r[0] == role and r[index] is not None)

    scope = Scope(
        authenticated=True,
        superuser=bool(user.is_superuser),
        roles=roles,
        methodologist_municipalities=ids(Role.METHODOLOGIST, 2),
        coordinator_organizations=ids(Role.COORDINATOR, 3),
        teacher_organizations=ids(Role.TEACHER, 3),
        observer_regions=ids(Role.OBSERVER, 1) | ids(Role.REGIONAL_METHODOLOGIST, 1),
        observer_municipalities=ids(Role.OBSERVER, 2),
        regional_regions=ids(Role.REGIONAL_METHODOLOGIST, 1),
    )
    setattr(user, _CACHE_ATTR, scope)
    return scope


def forget_scope(user: Any) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
