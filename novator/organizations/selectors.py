"""Reads of the registry, with the joins each page needs already applied."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, overload

from django.apps import apps
from django.db.models import Count, Exists, OuterRef, QuerySet

from novator.core.paging import CappedPaginator

from .models import Municipality, Organization, OrganizationImport, OrganizationImportRow, Person, Region

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
    status: str = "",
    sort: str = "name",
    many: bool = False,
    inn: str = "",
    kpp: str | None = None,
) -> QuerySet[Organization]:
    """The registry, filtered. `status` is the code of a status kind (e.g. MIP): only organisations
    holding that status today. `inn` (+ `kpp`, "" for the organisation without КПП) finds by identity: a
    head organisation and its branches share the ИНН. `many`: the search is known to match many rows
    (`search(many=True)`)."""
    qs = Organization.objects.visible_to(user).select_related(
        "municipality", "municipality__region", "parent"
    )
    if search:
        qs = qs.search(search, many=many)
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
    if inn:
        qs = qs.filter(inn=inn)
    if kpp is not None:
        qs = qs.filter(kpp=kpp) if kpp else qs.filter(kpp__isnull=True)
    if active is not None:
        qs = qs.filter(is_active=active)
    if status:
        qs = qs.filter(holding_status(status))
    return qs.order_by(*SORTS.get(sort, SORTS["name"]))


class PagedByIds:
    """A filtered, ordered registry list that a paginator reads a page at a time in one query of two
    steps: the page's ids from the filters and the order alone (no joins, no wide columns: on a search
    with many matches an index walk that stops at the page's last row, index-only on PostgreSQL), then
    those rows with their joins. The rows and their order are those of the list itself."""

    def __init__(self, items: QuerySet[Organization]) -> None:
        self.items = items

    def __len__(self) -> int:
        return self.items.count()

    def __iter__(self) -> Iterator[Organization]:
        return iter(self[:])

    @overload
    def __getitem__(self, index: int) -> Organization: ...
    @overload
    def __getitem__(self, index: slice) -> QuerySet[Organization]: ...
    def __getitem__(self, index: int | slice) -> Organization | QuerySet[Organization]:
        if isinstance(index, int):
            return self[index : index + 1].get()
        ids = self.items.values("pk")[index]
        rows = Organization.objects.select_related("municipality", "municipality__region", "parent")
        return rows.filter(pk__in=ids).order_by(*self.items.query.order_by)


#: matches of a registry search counted at most (the pages stop there: 40 pages of 25)
SEARCH_COUNT_CAP = 1000
#: sorts a search with many matches reads by walking the `short_name` index (forwards or backwards)
NAME_SORTS = ("name", "-name")


def search_pages(*, user: Any, per_page: int, **filters: Any) -> CappedPaginator:
    """The pages of a registry search (`filters` of `organization_list`, with `search`). Its matches are
    counted up to SEARCH_COUNT_CAP ("more than 1,000: refine the search"); past the cap, sorted by name,
    a page is read by walking the names in order instead of sorting every match (the same rows:
    `OrganizationQuerySet.search(many=True)`). Each page reads its ids first, then its rows
    (`PagedByIds`)."""
    matches = organization_list(user=user, **filters)
    paginator = CappedPaginator(matches, per_page, cap=SEARCH_COUNT_CAP)
    if paginator.capped and filters.get("sort", "name") in NAME_SORTS:
        matches = organization_list(user=user, many=True, **filters)
    paginator.object_list = PagedByIds(matches)
    return paginator


def holding_status(code: str) -> Exists:
    """Holds a status of kind `code` today: an `Exists` over the register, read through the app registry
    (the statuses app is built on this one, so it is not imported) with the register's own «active»."""
    assignments: Any = apps.get_model("statuses", "StatusAssignment")._default_manager
    return Exists(assignments.active().filter(organization=OuterRef("pk"), kind__code=code))


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


def municipality_choices() -> QuerySet[Municipality]:
    return Municipality.objects.select_related("region").order_by("region__name", "name")


#: `import_rows(action=CONFLICTS)`: the rejected rows that conflict with the registry (to accept)
CONFLICTS = "conflict"


def import_rows(*, upload: OrganizationImport, action: str = "") -> QuerySet[OrganizationImportRow]:
    """The planned rows of an import's preview in file order, of one action when given (`CONFLICTS`:
    the rows in conflict with the registry, which the methodologist may accept)."""
    rows = OrganizationImportRow.objects.filter(upload=upload)
    if action == CONFLICTS:
        rows = rows.filter(action="reject", data__has_key="conflict")
    elif action:
        rows = rows.filter(action=action)
    return rows.order_by("position")
