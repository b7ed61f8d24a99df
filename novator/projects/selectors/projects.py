"""Reads of projects: the list (public summaries and the user's own), one project, its team."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from novator.core.text import fold
from novator.organizations.models import Organization, Person

from ..models import InnovationProject, ProjectProposal, ProjectReport, ProjectVersion
from ..passport import normalised


def project_list(
    *,
    user: Any,
    municipality_oktmo: str = "",
    region_code: str = "",
    status_kind: str = "",
    organization_id: int | None = None,
    search: str = "",
    public_only: bool = False,
) -> QuerySet[InnovationProject]:
    qs = InnovationProject.objects.public() if public_only else InnovationProject.objects.listed_for(user)
    qs = qs.select_related(
        "organization",
        "organization__municipality",
        "status_assignment",
        "status_assignment__kind",
        "approved_version",
    )
    if municipality_oktmo:
        qs = qs.filter(organization__municipality__oktmo=municipality_oktmo)
    if region_code:
        qs = qs.filter(organization__municipality__region__code=region_code)
    if status_kind:
        qs = qs.filter(status_assignment__kind__code=status_kind)
    if organization_id is not None:
        qs = qs.filter(organization_id=organization_id)
    for word in fold(search).split()[:8]:
        qs = qs.filter(Q(organization__search_text__contains=word) | Q(title__icontains=word))
    return qs.order_by("organization__short_name", "-starts_on", "id")


def project_detail(*, pk: int) -> InnovationProject:
    """One project with all its page shows. Raises InnovationProject.DoesNotExist."""
    return (
        InnovationProject.objects.select_related(
            "organization",
            "organization__municipality",
            "organization__municipality__region",
            "application",
            "application__contest",
            "status_assignment",
            "status_assignment__kind",
            "approved_version",
            "approved_version__decided_by",
        )
        .prefetch_related(
            Prefetch(
                "versions", queryset=ProjectVersion.objects.select_related("decided_by").order_by("-number")
            ),
            Prefetch("reports", queryset=ProjectReport.objects.order_by("academic_year")),
            Prefetch("proposals", queryset=ProjectProposal.objects.order_by("-created_at")),
        )
        .get(pk=pk)
    )


def team(passport: dict[str, Any]) -> list[dict[str, Any]]:
    """The team with the staff records (one query): [{"person": Person | None, "role": str}]."""
    rows = normalised(passport)["team"]
    ids = [row.get("person") for row in rows if isinstance(row.get("person"), int)]
    people = {p.pk: p for p in Person.objects.filter(pk__in=ids)}
    return [{"person": people.get(row.get("person")), "role": row.get("role", "")} for row in rows]


def partners(passport: dict[str, Any]) -> list[dict[str, Any]]:
    """Partners with their registry records where they still exist (one query)."""
    rows = normalised(passport)["partners"]
    ids = [row.get("organization") for row in rows if isinstance(row.get("organization"), int)]
    orgs = {o.pk: o for o in Organization.objects.filter(pk__in=ids)}
    return [
        {
            "organization": orgs.get(row.get("organization")),
            "name": row.get("name", ""),
            "role": row.get("role", ""),
        }
        for row in rows
    ]


def staff_choices(organization: Organization) -> QuerySet[Person]:
    return Person.objects.filter(organization=organization).order_by("last_name", "first_name", "id")
