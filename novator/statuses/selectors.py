"""Reads of the register of statuses, with the joins each page and the API need already applied."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Case, IntegerField, Max, Min, Prefetch, Q, QuerySet, Value, When

from novator.accounts.scope import get_scope
from novator.core.academic_year import AcademicYear
from novator.core.text import fold
from novator.organizations.models import Municipality, Organization

from .models import StatusAssignment, StatusEvent, StatusKind, StatusLevel

#: `sort` values of the register and what they order by (ties broken by id, so pages do not overlap).
SORTS: dict[str, tuple[str, ...]] = {
    # by date, then by id (the order of entry): exactly the index `status_register_start_idx`, so a page
    # is read from the index. Ties broken by the organisation's name needed a sort of every assignment
    # joined with its organisation (SQLite then also started the join from the status kinds): 40 ms of
    # the 18,600-status register at country scale, against 0.1 ms.
    "start": ("starts_on", "id"),
    "-start": ("-starts_on", "-id"),
    "end": ("ends_on", "organization__short_name", "id"),
    "-end": ("-ends_on", "organization__short_name", "-id"),
    "organization": ("organization__short_name", "-starts_on", "id"),
    "-organization": ("-organization__short_name", "-starts_on", "-id"),
    "municipality": ("organization__municipality__name", "organization__short_name", "id"),
    "-municipality": ("-organization__municipality__name", "organization__short_name", "-id"),
    "kind": ("kind__abbreviation", "-starts_on", "id"),
    "-kind": ("-kind__abbreviation", "-starts_on", "-id"),
}
DEFAULT_SORT = "-start"


def status_list(
    *,
    user: Any = None,
    kind: StatusKind | None = None,
    kind_code: str = "",
    municipality: Municipality | None = None,
    municipality_oktmo: str = "",
    region_code: str = "",
    organization_id: int | None = None,
    academic_year: AcademicYear | None = None,
    state: str = "",
    search: str = "",
    sort: str = DEFAULT_SORT,
    on: datetime.date | None = None,
) -> QuerySet[StatusAssignment]:
    """The register, filtered; `state` is as of `on` (today by default). One query per page, whatever
    the number of rows: the organisation, its municipality and the kind are joined."""
    qs = StatusAssignment.objects.visible_to(user).select_related(
        "kind", "organization", "organization__municipality"
    )
    if kind is not None:
        qs = qs.filter(kind=kind)
    if kind_code:
        qs = qs.filter(kind__code=kind_code)
    if municipality is not None:
        qs = qs.filter(organization__municipality=municipality)
    if municipality_oktmo:
        qs = qs.filter(organization__municipality__oktmo=municipality_oktmo)
    if region_code:
        qs = qs.filter(organization__municipality__region__code=region_code)
    if organization_id is not None:
        qs = qs.filter(organization_id=organization_id)
    if academic_year is not None:
        qs = qs.filter(starts_on__gte=academic_year.starts, starts_on__lte=academic_year.ends)
    if state:
        qs = qs.in_state(state, on)
    if fold(search).split():
        qs = qs.filter(organization__in=Organization.objects.search(search).values("pk"))
    return qs.order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT]))


def status_detail(*, pk: int) -> StatusAssignment:
    """One assignment with its organisation and its events (with who recorded them)."""
    return (
        StatusAssignment.objects.select_related("kind", "organization", "organization__municipality")
        .prefetch_related(Prefetch("events", queryset=StatusEvent.objects.select_related("actor")))
        .get(pk=pk)
    )


def organization_statuses(*, organization: Organization) -> QuerySet[StatusAssignment]:
    """The statuses an organisation has held and holds, newest first (one query)."""
    return organization.status_assignments.select_related("kind").order_by("-starts_on", "-id")


def status_kind_list() -> QuerySet[StatusKind]:
    """Status kinds, municipal first, then regional and federal."""
    rank = Case(
        *(When(level=level, then=Value(index)) for index, level in enumerate(StatusLevel.values)),
        default=Value(len(StatusLevel.values)),
        output_field=IntegerField(),
    )
    return StatusKind.objects.order_by(rank, "abbreviation", "code")


def register_years() -> list[AcademicYear]:
    """The academic years in which the statuses of the register start, newest first (one query)."""
    bounds = StatusAssignment.objects.aggregate(first=Min("starts_on"), last=Max("starts_on"))
    if bounds["first"] is None:
        return []
    first, last = AcademicYear.of(bounds["first"]), AcademicYear.of(bounds["last"])
    return [AcademicYear(year) for year in range(last.start_year, first.start_year - 1, -1)]


def award_choices(*, user: Any) -> tuple[QuerySet[Organization], QuerySet[StatusKind]]:
    """The organisations and the status kinds the user may award (the award page's lists): a regional
    methodologist the regional kinds in its regions, a methodologist the other kinds in its
    municipalities, an administrator everything."""
    scope = get_scope(user)
    organizations = Organization.objects.select_related("municipality").order_by("short_name", "pk")
    kinds = status_kind_list()
    if scope.is_admin:
        return organizations, kinds
    allowed = Q(municipality_id__in=scope.methodologist_municipalities) | Q(
        municipality__region_id__in=scope.regional_regions
    )
    levels = set()
    if scope.methodologist_municipalities:
        levels |= {StatusLevel.MUNICIPAL.value, StatusLevel.FEDERAL.value}
    if scope.regional_regions:
        levels.add(StatusLevel.REGIONAL.value)
    return organizations.filter(allowed), kinds.filter(level__in=levels)
