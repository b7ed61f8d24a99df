"""Who may invite whom, manage invitations and accounts, and decide requests to join (django-rules).

Everything follows `accounts.scope`: a methodologist invites coordinators of organisations in their
municipalities; a coordinator invites the staff (teachers, coordinators) of their organisations; whoever
manages the region (`Scope.is_region_manager`: administrators today, a regional methodologist once that
role exists) invites methodologists of the region's municipalities. Administrators invite anyone.
"""

from __future__ import annotations

from typing import Any

import rules

from novator.accounts.models import Role
from novator.accounts.scope import Scope, get_scope

#: the roles an invitation can carry (admins, experts and observers are made by an administrator)
INVITABLE_ROLES = (Role.METHODOLOGIST, Role.COORDINATOR, Role.TEACHER)


def may_invite(user: Any, *, role: str, organization: Any = None, municipality: Any = None) -> bool:
    """May ``user`` invite someone as ``role`` in this organisation (coordinator, teacher) or municipality
    (methodologist)?"""
    scope = get_scope(user)
    if role == Role.METHODOLOGIST:
        return municipality is not None and organization is None and scope.is_region_manager
    if role not in (Role.COORDINATOR, Role.TEACHER) or organization is None or municipality is not None:
        return False
    if scope.is_admin:
        return True
    if role == Role.COORDINATOR and organization.municipality_id in scope.methodologist_municipalities:
        return True
    return organization.pk in scope.coordinator_organizations


def invitable_roles(scope: Scope) -> list[str]:
    """The roles the user may put on an invitation somewhere."""
    roles: list[str] = []
    if scope.is_region_manager:
        roles.append(Role.METHODOLOGIST)
    if scope.is_admin or scope.methodologist_municipalities or scope.coordinator_organizations:
        roles.append(Role.COORDINATOR)
    if scope.is_admin or scope.coordinator_organizations:
        roles.append(Role.TEACHER)
    return roles


@rules.predicate
def can_invite(user: Any) -> bool:
    return bool(invitable_roles(get_scope(user)))


@rules.predicate
def can_manage_invitation(user: Any, invitation: Any) -> bool:
    """Whoever could send the invitation may send it again or revoke it."""
    if invitation is None:
        return False
    return may_invite(
        user, role=invitation.role, organization=invitation.organization, municipality=invitation.municipality
    )


@rules.predicate
def manages_people(user: Any) -> bool:
    """The users page: administrators, methodologists (their municipalities), coordinators (their
    organisations)."""
    scope = get_scope(user)
    return scope.is_admin or bool(scope.methodologist_municipalities or scope.coordinator_organizations)


@rules.predicate
def is_coordinator_of_request(user: Any, join_request: Any) -> bool:
    if join_request is None:
        return False
    scope = get_scope(user)
    return scope.is_admin or join_request.organization_id in scope.coordinator_organizations


@rules.predicate
def can_import_staff(user: Any, organization: Any = None) -> bool:
    scope = get_scope(user)
    if organization is None:
        return scope.is_admin or bool(scope.coordinator_organizations)
    return scope.is_admin or organization.pk in scope.coordinator_organizations


def manages_user(actor: Any, target: Any, assignments: list[Any]) -> bool:
    """May ``actor`` deactivate ``target`` (whose role assignments are ``assignments``)? Each of the
    target's roles must lie in the actor's scope: a coordinator's teachers, a methodologist's coordinators
    and teachers; never oneself, an administrator or a superuser."""
    scope = get_scope(actor)
    if target.pk == actor.pk or target.is_superuser:
        return False
    if scope.is_admin:
        return True
    if not assignments:
        return False
    for a in assignments:
        if a.role not in (Role.COORDINATOR, Role.TEACHER) or a.organization_id is None:
            return False
        in_org = a.organization_id in scope.coordinator_organizations
        in_municipality = a.organization.municipality_id in scope.methodologist_municipalities
        if not (in_org or in_municipality):
            return False
    return True


rules.add_perm("onboarding.invite", can_invite)
rules.add_perm("onboarding.manage_invitation", can_manage_invitation)
rules.add_perm("onboarding.accept_invitation", rules.always_allow)
rules.add_perm("onboarding.view_users", manages_people)
rules.add_perm("onboarding.import_staff", can_import_staff)
rules.add_perm("onboarding.decide_join_request", is_coordinator_of_request)
rules.add_perm("onboarding.view_join_requests", can_import_staff)
