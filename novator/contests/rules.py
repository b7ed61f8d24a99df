"""Who may do what with contests and applications (django-rules). The chair's rule is in expertise."""

from __future__ import annotations

from typing import Any

import rules

from novator.accounts.rules import is_admin, is_methodologist
from novator.accounts.scope import get_scope


def _contest(obj: Any) -> Any:
    return getattr(obj, "contest", obj)


@rules.predicate
def is_organiser(user: Any, obj: Any) -> bool:
    """Methodologist of the municipality that organises the contest (regional contests: administrators)."""
    contest = _contest(obj)
    if contest is None:
        return False
    return contest.organiser_municipality_id in get_scope(user).methodologist_municipalities


@rules.predicate
def is_applicant(user: Any, obj: Any) -> bool:
    """Coordinator of the organisation that applies (for a contest: of any organisation)."""
    scope = get_scope(user)
    organization_id = getattr(obj, "organization_id", None)
    if organization_id is None:
        return bool(scope.coordinator_organizations)
    return organization_id in scope.coordinator_organizations


@rules.predicate
def reviews_appeal(user: Any, obj: Any) -> bool:
    """`contests.review_appeal`, which the expertise app declares (the chair and the members of the
    commission who did not score the application)."""
    return bool(getattr(user, "is_authenticated", False)) and user.has_perm("contests.review_appeal", obj)


can_manage = is_admin | is_organiser

rules.add_perm("contests.add_contest", is_admin | is_methodologist)
rules.add_perm("contests.manage_contest", can_manage)
rules.add_perm("contests.apply", is_applicant)
rules.add_perm("contests.view_application", is_applicant | can_manage)
rules.add_perm("contests.view_documents", is_applicant | can_manage)
rules.add_perm("contests.view_appeal", is_applicant | can_manage | reviews_appeal)
rules.add_perm("contests.message_application", is_applicant | can_manage)
