"""Object-level permissions on the registry (django-rules). Pages, the API and the admin use these."""

from __future__ import annotations

from typing import Any

import rules

from novator.accounts.rules import is_admin, is_methodologist
from novator.accounts.scope import get_scope


def _org_ids(obj: Any) -> tuple[int | None, int | None]:
    """(organisation id, municipality id) of an organisation or of an object that belongs to one."""
    if obj is None:
        return None, None
    if obj.__class__.__name__ == "Organization":
        return obj.pk, obj.municipality_id
    organization = getattr(obj, "organization", None)
    if organization is not None:
        return organization.pk, organization.municipality_id
    return None, getattr(obj, "municipality_id", None)


@rules.predicate
def is_methodologist_of(user: Any, obj: Any) -> bool:
    _, municipality_id = _org_ids(obj)
    return municipality_id in get_scope(user).methodologist_municipalities


@rules.predicate
def is_coordinator_of(user: Any, obj: Any) -> bool:
    organization_id, _ = _org_ids(obj)
    return organization_id in get_scope(user).coordinator_organizations


@rules.predicate
def is_observer_of(user: Any, obj: Any) -> bool:
    scope = get_scope(user)
    _, municipality_id = _org_ids(obj)
    return municipality_id in scope.observer_municipalities


@rules.predicate
def is_the_person(user: Any, person: Any) -> bool:
    """The staff record is the user's own: a person may see what is held about them (152-ФЗ ст. 14)."""
    user_id = getattr(person, "user_id", None)
    return user_id is not None and user_id == getattr(user, "pk", None)


can_manage_organization = is_admin | is_methodologist_of
can_edit_organization = is_admin | is_methodologist_of | is_coordinator_of

rules.add_perm("organizations.view_registry", rules.always_allow)
rules.add_perm("organizations.add_organization", is_admin | is_methodologist)
rules.add_perm("organizations.import_organizations", is_admin | is_methodologist)
rules.add_perm("organizations.change_organization", can_edit_organization)
rules.add_perm("organizations.manage_organization", can_manage_organization)
rules.add_perm("organizations.view_staff", can_edit_organization)
rules.add_perm("organizations.change_person", can_edit_organization)
# the staff card of one person: those who may edit it, and the person (read-only)
rules.add_perm("organizations.view_person", can_edit_organization | is_the_person)
rules.add_perm("organizations.add_municipality", is_admin)
rules.add_perm("organizations.view_history", can_manage_organization)
