"""Who may do what with contests and applications (django-rules). The chair's rule is in expertise."""

from __future__ import annotations

from typing import Any

import rules

from novator.accounts.rules import is_admin, is_methodologist, is_regional_methodologist
from novator.accounts.scope import get_scope


def _contest(obj: Any) -> Any:
    return getattr(obj, "contest", obj)


@rules.predicate
def is_organiser(user: Any, obj: Any) -> bool:
    """Methodologist of the municipality that organises (leads) the contest; for a regional contest, a
    regional methodologist of the organising region."""
    contest = _contest(obj)
    if contest is None:
        return False
    scope = get_scope(user)
    if contest.organiser_region_id is not None:
        return contest.organiser_region_id in scope.regional_regions
    return contest.organiser_municipality_id in scope.methodologist_municipalities


@rules.predicate
def is_applicant(user: Any, obj: Any) -> bool:
    """Coordinator of the organisation that applies (for a contest: of any organisation)."""
    scope = get_scope(user)
    organization_id = getattr(obj, "organization_id", None)
    if organization_id is None:
        return bool(scope.coordinator_organizations)
    return organization_id in scope.coordinator_organizations


can_manage = is_admin | is_organiser

rules.add_perm("contests.add_contest", is_admin | is_methodologist | is_regional_methodologist)
rules.add_perm("contests.manage_contest", can_manage)
rules.add_perm("contests.apply", is_applicant)
rules.add_perm("contests.view_application", is_applicant | can_manage)
rules.add_perm("contests.view_documents", is_applicant | can_manage)
