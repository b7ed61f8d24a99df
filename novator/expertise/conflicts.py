"""Conflicts of interest between experts and applications.

Automatic: the expert works in the applicant organisation — the organisation of their profile, or one
where their own user account is a teacher or a coordinator (`AFFILIATED_ROLES`), even when the profile
names no organisation; or, when the contest requires external experts, the expert is from the
applicant's municipality (the expert's own municipality, else that of their organisation) — also when the
commission's own-municipality rule says so (`own_municipality_excluded`). Declared:
the expert (or the organiser on their behalf) recorded a conflict.

A conflicted expert is never assigned and never sees the application.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from typing import Any, TypeVar

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from novator.accounts.models import Role, RoleAssignment

ORGANIZATION = "organization"
MUNICIPALITY = "municipality"
DECLARED = "declared"

#: Roles that tie a user account to an organisation: an expert holding one is in conflict with the
#: organisation's applications, whatever their profile says.
AFFILIATED_ROLES = (Role.TEACHER, Role.COORDINATOR)


def affiliated_roles() -> QuerySet[RoleAssignment]:
    """The role assignments that tie a user to an organisation (filter further by user)."""
    return RoleAssignment.objects.filter(role__in=AFFILIATED_ROLES, organization_id__isnull=False)


def affiliations(experts: Iterable[Any]) -> dict[int, frozenset[int]]:
    """{expert id: ids of the organisations where their user is a teacher or a coordinator} (one query)."""
    expert_of_user = {e.user_id: e.pk for e in experts}
    found: dict[int, set[int]] = defaultdict(set)
    if expert_of_user:
        rows = affiliated_roles().filter(user_id__in=expert_of_user).values_list("user_id", "organization_id")
        for user_id, organization_id in rows:
            found[expert_of_user[user_id]].add(organization_id)
    return {expert: frozenset(orgs) for expert, orgs in found.items()}


def expert_municipality_id(expert: Any) -> int | None:
    if expert.municipality_id:
        return int(expert.municipality_id)
    organization = expert.organization if expert.organization_id else None
    return organization.municipality_id if organization is not None else None


def conflict_code(
    *,
    expert_organization_id: int | None,
    expert_municipality_id: int | None,
    applicant_organization_id: int,
    applicant_municipality_id: int | None,
    require_external: bool,
    declared: bool,
    expert_affiliations: Collection[int] = (),
) -> str | None:
    """The reason code of a conflict, or None: declared first, then organisation (the profile's, or one
    where the expert's account is a teacher or a coordinator), then municipality."""
    if declared:
        return DECLARED
    if expert_organization_id is not None and expert_organization_id == applicant_organization_id:
        return ORGANIZATION
    if applicant_organization_id in expert_affiliations:
        return ORGANIZATION
    if (
        require_external
        and expert_municipality_id is not None
        and expert_municipality_id == applicant_municipality_id
    ):
        return MUNICIPALITY
    return None


def _commission(contest: Any) -> Any:
    from django.core.exceptions import ObjectDoesNotExist

    try:
        return contest.commission
    except ObjectDoesNotExist:
        return None


def own_municipality_excluded(contest: Any) -> bool:
    """No expert scores an application from their own municipality: the contest's external expertise,
    or the commission's own-municipality rule (read once per contest object: Django caches it)."""
    if contest.require_external_experts:
        return True
    commission = _commission(contest)
    return bool(commission is not None and commission.exclude_own_municipality)


def other_municipality_required(contest: Any) -> bool:
    """Every application has at least one expert from another municipality: the contest's external
    expertise, or the commission's rule."""
    if contest.require_external_experts:
        return True
    commission = _commission(contest)
    return bool(commission is not None and commission.require_other_municipality)


def reason_text(code: str) -> str:
    return {
        ORGANIZATION: _("the expert works in the applicant organisation"),
        MUNICIPALITY: _(
            "the expert is from the applicant's municipality, which the rules of the expertise exclude"
        ),
        DECLARED: _("the expert has declared a conflict of interest"),
        "late": _("the application was taken away from the expert for missing the due date"),
    }.get(code, code)


def conflict_matrix(
    *,
    contest: Any,
    applications: Iterable[Any],
    experts: Iterable[Any],
    declared: Iterable[tuple[int, int]],
    affiliated: Mapping[int, Collection[int]] | None = None,
) -> dict[tuple[int, int], str]:
    """{(application id, expert id): reason code} for every conflicted pair.

    `applications` need `organization` loaded, `experts` their `organization`; `declared` holds
    (application id, expert id) pairs; `affiliated` the experts' `affiliations` (one query when left
    out, none otherwise).
    """
    declared_pairs = set(declared)
    experts = list(experts)
    exclude_own = own_municipality_excluded(contest)
    if affiliated is None:
        affiliated = affiliations(experts)
    result: dict[tuple[int, int], str] = {}
    for application in applications:
        for expert in experts:
            code = conflict_code(
                expert_organization_id=expert.organization_id,
                expert_municipality_id=expert_municipality_id(expert),
                applicant_organization_id=application.organization_id,
                applicant_municipality_id=application.organization.municipality_id,
                require_external=exclude_own,
                declared=(application.pk, expert.pk) in declared_pairs,
                expert_affiliations=affiliated.get(expert.pk, ()),
            )
            if code:
                result[(application.pk, expert.pk)] = code
    return result


def conflict_for(*, expert: Any, application: Any) -> str | None:
    """The conflict of one expert with one application (a query for declarations, one for roles)."""
    from .models import ConflictDeclaration

    declared = ConflictDeclaration.objects.filter(expert=expert, application=application).exists()
    affiliated = affiliated_roles().filter(
        user_id=expert.user_id, organization_id=application.organization_id
    )
    return conflict_code(
        expert_organization_id=expert.organization_id,
        expert_municipality_id=expert_municipality_id(expert),
        applicant_organization_id=application.organization_id,
        applicant_municipality_id=application.organization.municipality_id,
        require_external=own_municipality_excluded(application.contest),
        declared=declared,
        expert_affiliations=(application.organization_id,) if affiliated.exists() else (),
    )


_QS = TypeVar("_QS", bound=QuerySet[Any])


def exclude_conflicted(assignments: _QS, prefix: str = "") -> _QS:
    """Drop assignments (or rows reached through `prefix`, e.g. "assignment__") that are in conflict."""
    from .models import ConflictDeclaration

    p = prefix
    expert_municipality = Coalesce(f"{p}expert__municipality_id", f"{p}expert__organization__municipality_id")
    return (
        assignments.alias(
            _expert_municipality=expert_municipality,
            _declared=Exists(
                ConflictDeclaration.objects.filter(
                    expert_id=OuterRef(f"{p}expert_id"), application_id=OuterRef(f"{p}application_id")
                )
            ),
            _affiliated=Exists(
                affiliated_roles().filter(
                    user_id=OuterRef(f"{p}expert__user_id"),
                    organization_id=OuterRef(f"{p}application__organization_id"),
                )
            ),
        )
        .filter(_declared=False, _affiliated=False)
        .filter(
            Q(**{f"{p}expert__organization_id__isnull": True})
            | ~Q(**{f"{p}expert__organization_id": F(f"{p}application__organization_id")})
        )
        .filter(
            Q(
                **{
                    f"{p}application__contest__require_external_experts": False,
                    f"{p}application__contest__commission__exclude_own_municipality": False,
                }
            )
            | Q(_expert_municipality__isnull=True)
            | ~Q(_expert_municipality=F(f"{p}application__organization__municipality_id"))
        )
    )
