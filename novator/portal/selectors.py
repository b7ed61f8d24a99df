from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from novator.organizations.models import Municipality, Organization, OrganizationKind


def home_figures() -> dict[str, Any]:
    """Key figures of the registry for the public home page (two queries)."""
    orgs = Organization.objects.filter(is_active=True).aggregate(
        total=Count("id"),
        preschool=Count("id", filter=Q(kind=OrganizationKind.PRESCHOOL)),
        school=Count("id", filter=Q(kind=OrganizationKind.SCHOOL)),
        supplementary=Count("id", filter=Q(kind=OrganizationKind.SUPPLEMENTARY)),
    )
    orgs["municipalities"] = Municipality.objects.count()
    return orgs
