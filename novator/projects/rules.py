"""Who may do what with programmes, projects, reports, surveys and roadmaps (django-rules).

Objects are resolved to their organisation (a report → its project → the organisation) and checked
against the user's cached scope, so a list of any length costs no permission queries as long as the
organisation is joined (`select_related`).
"""

from __future__ import annotations

from typing import Any

import rules

from novator.accounts.rules import is_admin, is_coordinator, is_methodologist, is_observer
from novator.accounts.scope import get_scope


def organization_of(obj: Any) -> Any:
    """The organisation an object of this app belongs to (or the organisation itself)."""
    if obj is None:
        return None
    if obj.__class__.__name__ == "Organization":
        return obj
    for path in ("organization", "project", "report", "run"):
        inner = getattr(obj, path, None)
        if inner is not None:
            return organization_of(inner) if path != "organization" else inner
    return None


@rules.predicate
def is_methodologist_over(user: Any, obj: Any) -> bool:
    municipality_id = getattr(obj, "municipality_id", None)
    if obj is not None and obj.__class__.__name__ != "Programme":
        organization = organization_of(obj)
        municipality_id = organization.municipality_id if organization is not None else None
    return municipality_id in get_scope(user).methodologist_municipalities


@rules.predicate
def is_coordinator_over(user: Any, obj: Any) -> bool:
    organization = organization_of(obj)
    return organization is not None and organization.pk in get_scope(user).coordinator_organizations


@rules.predicate
def is_teacher_over(user: Any, obj: Any) -> bool:
    organization = organization_of(obj)
    return organization is not None and organization.pk in get_scope(user).teacher_organizations


@rules.predicate
def is_observer_over(user: Any, obj: Any) -> bool:
    organization = organization_of(obj)
    if organization is None:
        return False
    scope = get_scope(user)
    if organization.municipality_id in scope.observer_municipalities:
        return True
    return bool(scope.observer_regions) and organization.municipality.region_id in scope.observer_regions


@rules.predicate
def is_published(user: Any, obj: Any) -> bool:
    return bool(getattr(obj, "is_published", False))


@rules.predicate
def is_approved(user: Any, obj: Any) -> bool:
    return getattr(obj, "approved_version_id", None) is not None


can_review = is_admin | is_methodologist_over
can_read = is_admin | is_methodologist_over | is_coordinator_over | is_observer_over

# the programme
rules.add_perm("projects.add_programme", is_admin | is_methodologist)
rules.add_perm("projects.manage_programme", is_admin | is_methodologist_over)
rules.add_perm("projects.view_programme", is_published | is_admin | is_methodologist_over)
# projects: the coordinator edits, the methodologist approves, observers read
rules.add_perm("projects.add_project", is_admin | is_coordinator)
rules.add_perm("projects.view_project", can_read)
rules.add_perm("projects.view_project_summary", is_approved | can_read)
rules.add_perm("projects.edit_project", is_admin | is_coordinator_over)
rules.add_perm("projects.review_project", can_review)
# reports
rules.add_perm("projects.view_report", can_read)
rules.add_perm("projects.fill_report", is_admin | is_coordinator_over)
rules.add_perm("projects.review_report", can_review)
rules.add_perm("projects.decide_proposal", can_review)
rules.add_perm("projects.view_report_lists", is_admin | is_methodologist | is_coordinator | is_observer)
# the readiness survey
rules.add_perm("projects.run_survey", is_admin | is_methodologist_over | is_coordinator_over)
rules.add_perm("projects.view_survey_results", can_read)
rules.add_perm("projects.answer_survey", is_teacher_over | is_coordinator_over)
# the roadmap
rules.add_perm("projects.view_roadmap", can_read)
rules.add_perm("projects.mark_roadmap", is_admin | is_methodologist_over | is_coordinator_over)
rules.add_perm("projects.view_roadmap_overview", is_admin | is_methodologist | is_observer)
