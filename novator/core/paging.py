from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """Counts no further than `cap` rows: a search that matches a third of a national registry need not
    count 30,000 rows on every page. `capped` says there are more; the pages stop at the cap."""

    def __init__(self, object_list: Any, per_page: int, *, cap: int) -> None:
        super().__init__(object_list, per_page)
        self.cap = cap

    @cached_property
    def _counted(self) -> tuple[int, bool]:
        # without the ordering, the database stops at the cap instead of sorting every match first
        items: Any = self.object_list
        found = items.order_by()[: self.cap + 1].count()
        return min(found, self.cap), found > self.cap

    @property
    def count(self) -> int:
        return self._counted[0]

    @property
    def capped(self) -> bool:
        return self._counted[1]


def paginate(request: HttpRequest, items: Any, per_page: int = 50, *, cap: int | None = None) -> Page:
    """A page of `items` from ?page=N; a bad or too-large page number gives the nearest real page.
    `cap` (a queryset only): count no further than that many rows (`CappedPaginator`)."""
    paginator = Paginator(items, per_page) if cap is None else CappedPaginator(items, per_page, cap=cap)
    return paginator.get_page(request.GET.get("page"))


def query_without(request: HttpRequest, *names: str) -> str:
    """The current query string without the given parameters (for pagination and sort links)."""
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()
