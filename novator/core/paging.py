from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Generic, TypeVar, overload

from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet, prefetch_related_objects
from django.http import HttpRequest
from django.utils.functional import cached_property

M = TypeVar("M", bound=Model)


class Concatenated(Generic[M]):
    """Ordered querysets read one after another as one list, for a list whose order an index serves only
    piece by piece. Events not ended yet, by start: those under way (a short range of the end index),
    then those to come (a range of the start index, walked in order and stopped at the page) — in one
    query the planner sorts every future event or walks the start index through all the past ones.

    The parts must be disjoint, each must come wholly before the next in the common order, and they share
    their joins and prefetches. A paginator counts first (one COUNT per part) and then reads only the parts
    its page overlaps; a slice from the start reads the parts in turn until it is full. The prefetches of
    the parts are done once, for the rows of the slice."""

    def __init__(self, *parts: QuerySet[M], whole: frozenset[int] = frozenset()) -> None:
        """`whole`: the positions of parts small by nature that are read whole and cut in Python. With a
        LIMIT, a planner that takes the part's rows for common walks the index of the order looking for
        them — through the whole table when they are rare (events under way: 0 of 50,000)."""
        self.parts = parts
        self.whole = whole
        self.ordered = True  # for the paginator's check: each part is ordered, and they come in order

    @cached_property
    def _counts(self) -> list[int]:
        return [part.count() for part in self.parts]

    def count(self) -> int:
        return sum(self._counts)

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[M]:
        for part in self.parts:
            yield from part

    @overload
    def __getitem__(self, index: int) -> M: ...
    @overload
    def __getitem__(self, index: slice) -> list[M]: ...
    def __getitem__(self, index: int | slice) -> M | list[M]:
        if isinstance(index, int):
            if index < 0:
                raise IndexError("negative indexing is not supported")
            found = self[index : index + 1]
            if not found:
                raise IndexError(index)
            return found[0]
        if index.step not in (None, 1) or (index.start or 0) < 0 or (index.stop or 0) < 0:
            raise ValueError("only forward slices without a step are supported")
        skip = index.start or 0
        wanted = None if index.stop is None else max(0, index.stop - skip)
        # counted already (a paginator), or needed to know where the slice starts
        counts: list[int | None] = (
            list(self._counts) if skip or "_counts" in self.__dict__ else [None] * len(self.parts)
        )
        rows: list[M] = []
        for position, (part, count) in enumerate(zip(self.parts, counts, strict=True)):
            if wanted is not None and len(rows) >= wanted:
                break
            if count is not None and skip >= count:
                skip -= count
                continue
            stop = None if wanted is None else skip + wanted - len(rows)
            unprefetched = part.prefetch_related(None)  # prefetched once for the whole slice, below
            if position in self.whole:
                found = list(unprefetched)
                rows += found[skip:stop]
                if count is None:  # read whole: now it is known where the next part starts
                    skip = max(0, skip - len(found))
                    continue
            else:
                rows += unprefetched[skip:stop]
            skip = 0
        if lookups := getattr(self.parts[0], "_prefetch_related_lookups", ()):
            prefetch_related_objects(rows, *lookups)
        return rows


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
