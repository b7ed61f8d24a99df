"""Writes for accounts: creating users and granting roles."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from novator.core import audit

from .models import Role, RoleAssignment, User
from .scope import forget_scope


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
