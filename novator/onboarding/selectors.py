"""Reads: the people a methodologist or coordinator manages, their invitations and the requests to join."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Lower

from novator.accounts.models import RoleAssignment, User
from novator.accounts.scope import get_scope
from novator.organizations.models import Organization

from .models import Invitation, InvitationState, JoinRequest, JoinRequestState

#: ?sort= values of the users page → the ordering (a leading «-» reverses it)
USER_SORTS: dict[str, tuple[str, ...]] = {
    "name": ("last_name", "first_name", "id"),
    "email": ("email", "id"),
    "last_login": ("last_login", "id"),
    "joined": ("date_joined", "id"),
}


def _people_q(user: Any) -> Q | None:
    """The role assignments whose holders the user manages; None: everyone (an administrator)."""
    scope = get_scope(user)
    if scope.is_admin:
        return None
    q = Q(pk__in=[])
    if scope.coordinator_organizations:
        q |= Q(organization_id__in=scope.coordinator_organizations)
    if scope.methodologist_municipalities:
        q |= Q(organization__municipality_id__in=scope.methodologist_municipalities)
        q |= Q(municipality_id__in=scope.methodologist_municipalities)
    return q


def managed_users(
    *, user: Any, query: str = "", sort: str = "name", never_signed_in: bool = False
) -> QuerySet[User]:
    """The accounts with a role in the user's organisations or municipalities, with their roles."""
    people = User.objects.all()
    scope_q = _people_q(user)
    if scope_q is not None:
        people = people.filter(pk__in=RoleAssignment.objects.filter(scope_q).values("user_id"))
    for word in query.split()[:5]:
        people = people.filter(
            Q(last_name__icontains=word)
            | Q(first_name__icontains=word)
            | Q(middle_name__icontains=word)
            | Q(email__icontains=word)
            | Q(username__icontains=word)
        )
    if never_signed_in:
        people = people.filter(last_login__isnull=True)
    descending = sort.startswith("-")
    fields = USER_SORTS.get(sort.lstrip("-"), USER_SORTS["name"])
    ordering = [f"-{f}" if descending else f for f in fields]
    return people.order_by(*ordering).prefetch_related(
        Prefetch(
            "role_assignments",
            queryset=RoleAssignment.objects.select_related("organization", "municipality", "region").order_by(
                "role", "id"
            ),
        )
    )


def managed_invitations(*, user: Any, query: str = "") -> QuerySet[Invitation]:
    """Invitations not accepted or revoked that the user sent or could send, newest first."""
    invitations = Invitation.objects.filter(state__in=[InvitationState.PENDING, InvitationState.EXPIRED])
    scope = get_scope(user)
    if not scope.is_admin:
        q = Q(invited_by=user) | Q(organization_id__in=scope.coordinator_organizations)
        if scope.methodologist_municipalities:
            q |= Q(organization__municipality_id__in=scope.methodologist_municipalities, role="coordinator")
        invitations = invitations.filter(q)
    for word in query.split()[:5]:
        invitations = invitations.filter(email__icontains=word)
    return invitations.select_related("organization", "municipality", "invited_by").order_by(
        "-created_at", "-id"
    )


def own_invitations(*, user: Any) -> QuerySet[Invitation]:
    """The invitations the user sent (the API's list)."""
    return (
        Invitation.objects.filter(invited_by=user)
        .select_related("organization", "municipality")
        .order_by("-created_at", "-id")
    )


def invitable_organizations(*, user: Any) -> QuerySet[Organization]:
    scope = get_scope(user)
    organizations = Organization.objects.filter(is_active=True).select_related("municipality")
    if not scope.is_admin:
        organizations = organizations.filter(
            Q(pk__in=scope.coordinator_organizations)
            | Q(municipality_id__in=scope.methodologist_municipalities)
        )
    return organizations.order_by("short_name", "id")


def staff_import_organizations(*, user: Any) -> QuerySet[Organization]:
    scope = get_scope(user)
    organizations = Organization.objects.filter(is_active=True).select_related("municipality")
    if not scope.is_admin:
        organizations = organizations.filter(pk__in=scope.coordinator_organizations)
    return organizations.order_by("short_name", "id")


def join_requests_for(*, user: Any) -> QuerySet[JoinRequest]:
    """Requests to the user's organisations (administrators: all), those awaiting a decision first."""
    requests = JoinRequest.objects.select_related("user", "organization", "decided_by")
    scope = get_scope(user)
    if not scope.is_admin:
        requests = requests.filter(organization_id__in=scope.coordinator_organizations)
    return requests.order_by(Lower("state").desc(), "-created_at", "-id")


def own_join_requests(*, user: Any) -> QuerySet[JoinRequest]:
    return JoinRequest.objects.filter(user=user).select_related("organization").order_by("-created_at")


def organizations_to_join(*, query: str, limit: int = 20) -> list[Organization]:
    """Active organisations whose name or ИНН has every word of ``query``."""
    words = query.split()[:5]
    if not words:
        return []
    organizations = Organization.objects.filter(is_active=True)
    for word in words:
        organizations = organizations.filter(
            Q(short_name__icontains=word) | Q(full_name__icontains=word) | Q(inn=word)
        )
    return list(organizations.select_related("municipality").order_by("short_name", "id")[:limit])


def pending_join_request_count(*, user: Any) -> int:
    return join_requests_for(user=user).filter(state=JoinRequestState.PENDING).count()
