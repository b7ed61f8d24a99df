"""Who may do what with contests and applications (django-rules). The chair's rule is in expertise.

- the organiser (`is_organiser`): the methodologists of the municipality that organises — or, in an
  inter-municipal contest, leads — the contest; of a regional contest, the regional methodologists of its
  region. They manage the contest: set-up, workflow, commission, the results order.
- a co-organiser (`is_coorganiser`) of an inter-municipal contest: the methodologists of a co-organising
  municipality. They see the contest's applications read-only and run the formal check of those from
  their own municipality (`checks_application`), as the lead does of its own.
"""

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
def is_coorganiser(user: Any, obj: Any) -> bool:
    """Methodologist of a co-organising municipality of an inter-municipal contest."""
    contest = _contest(obj)
    if contest is None or not getattr(contest, "is_intermunicipal", False):
        return False
    own = get_scope(user).methodologist_municipalities
    return bool(own) and bool(own & contest.coorganiser_ids())


@rules.predicate
def checks_application(user: Any, application: Any) -> bool:
    """Runs the formal check of this application: in an inter-municipal contest, a methodologist of the
    applicant's municipality when it is one of the organisers; otherwise the organiser."""
    contest = getattr(application, "contest", None)
    if contest is None:
        return False
    if not contest.is_intermunicipal:
        return bool(is_organiser(user, contest))
    municipality_id = application.organization.municipality_id
    return (
        municipality_id in get_scope(user).methodologist_municipalities
        and municipality_id in contest.organiser_municipality_ids()
    )


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
#: the organisers of every level: the lead (or the only one) and the co-organisers
can_follow = can_manage | is_coorganiser

rules.add_perm("contests.add_contest", is_admin | is_methodologist | is_regional_methodologist)
rules.add_perm("contests.manage_contest", can_manage)
# the list of the contest's applications and each application, read-only (co-organisers included)
rules.add_perm("contests.follow_contest", can_follow)
# the formal check (accept, return, reject): a co-organiser of its own municipality's applications
rules.add_perm("contests.check_applications", can_follow)
rules.add_perm("contests.check_application", is_admin | checks_application)
rules.add_perm("contests.apply", is_applicant)
rules.add_perm("contests.view_application", is_applicant | can_follow)
rules.add_perm("contests.view_documents", is_applicant | can_follow)
rules.add_perm("contests.view_appeal", is_applicant | can_follow | reviews_appeal)
rules.add_perm("contests.message_application", is_applicant | can_manage)
