"""The replication picture: where products spread, by municipality and academic year, and as a network.

Everything is computed by aggregate queries (GROUP BY in the database); Python only arranges the few
aggregated rows into a table and a graph. Four queries for the whole library or for one product.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet

from novator.core.academic_year import AcademicYear
from novator.organizations.models import Organization

from .models import Adoption, MethodProduct
from .selectors import academic_start_year


@dataclass
class Row:
    municipality: str
    cells: list[int]  # adoptions per academic year, in the order of `Table.years`
    total: int
    organizations: int  # distinct adopting organisations over all years


@dataclass
class Table:
    years: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    totals: list[int] = field(default_factory=list)
    total: int = 0
    organizations: int = 0


def _adoptions(product: MethodProduct | None) -> QuerySet[Adoption]:
    qs = Adoption.objects.filter(product__is_published=True)
    return qs.filter(product=product) if product is not None else qs


def replication_table(*, product: MethodProduct | None = None) -> Table:
    """Adoptions per municipality (of the adopting organisation) per academic year (two queries)."""
    adoptions = _adoptions(product)
    cells = (
        adoptions.annotate(start=academic_start_year("adopted_on"))
        .order_by()
        .values_list("organization__municipality__name", "start")
        .annotate(n=Count("pk"))
    )
    per_place = dict(
        adoptions.order_by()
        .values_list("organization__municipality__name")
        .annotate(n=Count("organization", distinct=True))
    )
    grid: dict[str, dict[int, int]] = defaultdict(dict)
    for name, start, n in cells:
        grid[name][start] = n
    starts = sorted({start for row in grid.values() for start in row})
    table = Table(years=[str(AcademicYear(s)) for s in starts])
    for name in sorted(grid):
        row = [grid[name].get(s, 0) for s in starts]
        table.rows.append(Row(name, row, sum(row), per_place.get(name, 0)))
    table.totals = [sum(grid[name].get(s, 0) for name in grid) for s in starts]
    table.total = sum(table.totals)
    table.organizations = sum(r.organizations for r in table.rows)
    return table


def replication_graph(*, product: MethodProduct | None = None) -> dict[str, Any]:
    """An ECharts graph: author organisations → adopting organisations, coloured by municipality (two
    queries: the aggregated edges, then the organisations they join)."""
    edges = list(
        _adoptions(product)
        .order_by()
        .values_list("product__author_organizations", "organization")
        .annotate(n=Count("pk"))
    )
    edges = [(a, b, n) for a, b, n in edges if a is not None]
    ids = {a for a, _, _ in edges} | {b for _, b, _ in edges}
    orgs = {
        pk: (name, place)
        for pk, name, place in Organization.objects.filter(pk__in=ids).values_list(
            "pk", "short_name", "municipality__name"
        )
    }
    places = sorted({place for _, place in orgs.values()})
    authored: dict[int, int] = defaultdict(int)
    adopted: dict[int, int] = defaultdict(int)
    for author, adopter, n in edges:
        authored[author] += n
        adopted[adopter] += n
    nodes = [
        {
            "id": str(pk),
            "name": name,
            "category": places.index(place),
            "municipality": place,
            "adopted": adopted.get(pk, 0),
            "authored": authored.get(pk, 0),
            "value": adopted.get(pk, 0) + authored.get(pk, 0),
        }
        for pk, (name, place) in sorted(orgs.items(), key=lambda item: item[1])
    ]
    links = [{"source": str(a), "target": str(b), "value": n} for a, b, n in edges if a in orgs and b in orgs]
    return {"categories": [{"name": p} for p in places], "nodes": nodes, "links": links}
