"""Reads of the registry, with the joins each page needs already applied."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from .models import Municipality, Organization, Person, Region

SORTS = {
    "name": ("short_name", "id"),
    "-name": ("-short_name", "-id"),
    "municipality": ("municipality__name", "short_name", "id"),
    "-municipality": ("-municipality__name", "short_name", "id"),
    "kind": ("kind", "short_name", "id"),
    "-kind": ("-kind", "short_name", "id"),
    "inn": ("inn",),
    "-inn": ("-inn",),
    "updated": ("-updated_at", "id"),
}


def organization_list(
    *,
    user: Any = None,
    search: str = "",
    municipality: Municipality | None = None,
    municipality_oktmo: str = "",
    region: Region | None = None,
    kind: str = "",
    subtype: str = "",
    active: bool | None = None,
    sort: str = "name",
) -> QuerySet[Organization]:
    qs = Organization.objects.visible_to(user).select_related(
        "municipality", "municipality__region", "parent"
    )
    if search:
        qs = qs.search(search)
    if municipality is not None:
        qs = qs.filter(municipality=municipality)
    if municipality_oktmo:
        qs = qs.in_municipality_oktmo(municipality_oktmo)
    if region is not None:
        qs = qs.filter(municipality__region=region)
    if kind:
        qs = qs.filter(kind=kind)
    if subtype:
        qs = qs.filter(subtype=subtype)
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs.order_by(*SORTS.get(sort, SORTS["name"]))


def organization_detail(*, pk: int) -> Organization:
    return (
        Organization.objects.select_related("municipality", "municipality__region", "parent")
        .annotate(branch_count=Count("branches"))
        .get(pk=pk)
    )


def organization_branches(*, organization: Organization) -> QuerySet[Organization]:
    return organization.branches.select_related("municipality").order_by("short_name")


def staff_list(*, user: Any, organization: Organization) -> QuerySet[Person]:
    return Person.objects.visible_to(user).filter(organization=organization).select_related("organization")


def municipality_list(*, region: Region | None = None) -> QuerySet[Municipality]:
    qs = Municipality.objects.select_related("region").annotate(
        organization_count=Count("organizations", filter=Q(organizations__is_active=True))
    )
    if region is not None:
        qs = qs.filter(region=region)
    return qs.order_by("region__name", "name")


def municipality_choices() -> QuerySet[Municipality]:
    return Municipality.objects.select_related("region").order_by("region__name", "name")
