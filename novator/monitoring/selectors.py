"""Reads of the monitoring: only the precomputed rows (IndicatorValue), a fixed number of queries per
page whatever the number of organisations."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from novator.accounts.scope import get_scope
from novator.core.dates import ddmmyyyy
from novator.organizations.models import Municipality, Organization, OrganizationKind, Region

from .engine import computing
from .models import INDEX_CODE, Direction, IndexWeightChange, Indicator, IndicatorValue, Level, MonitoringYear


def years_visible_to(user: Any) -> QuerySet[MonitoringYear]:
    qs = MonitoringYear.objects.filter(computed_at__isnull=False).select_related("weights")
    if not user.has_perm("monitoring.view_unpublished"):
        qs = qs.filter(published=True)
    return qs.order_by("-academic_year")


def pick_year(years: list[MonitoringYear], requested: str | None) -> MonitoringYear | None:
    """The requested year; else the latest published one (a year still being collected is mostly empty),
    else the latest."""
    for year in years:
        if year.academic_year == requested:
            return year
    published = [y for y in years if y.published]
    if published:
        return max(published, key=lambda y: y.academic_year)
    return years[0] if years else None


def previous_year(years: list[MonitoringYear], year: MonitoringYear) -> MonitoringYear | None:
    earlier = [y for y in years if y.academic_year < year.academic_year]
    return max(earlier, key=lambda y: y.academic_year) if earlier else None


def indicators() -> list[Indicator]:
    return list(Indicator.objects.all())


def current_weights() -> IndexWeightChange | None:
    return IndexWeightChange.objects.select_related("created_by").first()


def weights_history() -> QuerySet[IndexWeightChange]:
    return IndexWeightChange.objects.select_related("created_by")


def can_see_municipality_detail(user: Any, municipality: Municipality) -> bool:
    """Organisation-level rows of a municipality: its methodologists and observers, the region's observers."""
    scope = get_scope(user)
    return (
        scope.is_admin
        or municipality.pk in scope.methodologist_municipalities
        or municipality.pk in scope.observer_municipalities
        or municipality.region_id in scope.observer_regions
    )


def _values(**filters: Any) -> QuerySet[IndicatorValue]:
    return IndicatorValue.objects.filter(**filters).select_related("indicator")


@dataclass
class Table:
    """A chart's table: also what the XLSX export writes."""

    title: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)


def _num(value: Decimal | None) -> float | None:
    """A value for a table, a chart and the XLSX: two decimals are what a reader compares."""
    return None if value is None else round(float(value), 2)


def region_overview(region: Region, year: MonitoringYear, years: list[MonitoringYear]) -> dict[str, Any]:
    """Municipalities side by side (medians), and the region's index over the years (two queries)."""
    inds = indicators()
    rows = _values(academic_year=year.academic_year, level=Level.MUNICIPALITY, region=region).select_related(
        "municipality"
    )
    grid: dict[int, dict[str, Decimal]] = defaultdict(dict)
    names: dict[int, Municipality] = {}
    for row in rows:
        grid[row.municipality_id][row.indicator.code] = row.value  # type: ignore[index]
        names[row.municipality_id] = row.municipality  # type: ignore[index,assignment]
    order = sorted(grid, key=lambda m: (-grid[m].get(INDEX_CODE, Decimal(-1)), names[m].name))
    table = Table(title=str(region), headers=[str(Municipality._meta.verbose_name)] + [i.name for i in inds])
    for m in order:
        table.rows.append([names[m].name] + [_num(grid[m].get(i.code)) for i in inds])
    shown = {y.academic_year for y in years}
    trend = [
        (r.academic_year, r.value)
        for r in IndicatorValue.objects.filter(
            level=Level.REGION, region=region, indicator__code=INDEX_CODE, academic_year__in=shown
        ).order_by("academic_year")
    ]
    return {
        "table": table,
        "municipalities": [names[m] for m in order],
        "chart": {
            "names": [names[m].name for m in order],
            "values": [_num(grid[m].get(INDEX_CODE)) for m in order],
            "years": [label for label, _value in trend],
            "trend": [_num(v) for _label, v in trend],
        },
    }


def _municipality_summary(
    municipality: Municipality,
    year: MonitoringYear,
    previous: MonitoringYear | None,
    inds: list[Indicator],
    labels: list[str],
) -> tuple[Table, int | None, list[Any] | None]:
    """The municipality's medians of every indicator this year and last, with the change; its place by
    the index; the index's row."""
    medians: dict[str, dict[str, Decimal]] = defaultdict(dict)
    place: int | None = None
    for value_row in _values(academic_year__in=labels, level=Level.MUNICIPALITY, municipality=municipality):
        medians[value_row.academic_year][value_row.indicator.code] = value_row.value
        if value_row.indicator.code == INDEX_CODE and value_row.academic_year == year.academic_year:
            place = value_row.rank
    now, before = (
        medians.get(year.academic_year, {}),
        medians.get(previous.academic_year, {}) if previous else {},
    )
    summary = Table(
        title=str(municipality),
        headers=[_("Indicator"), year.academic_year]
        + ([previous.academic_year, _("Change")] if previous else []),
    )
    index_row: list[Any] | None = None
    for ind in inds:
        row: list[Any] = [ind.name, _num(now.get(ind.code))]
        if previous:
            a, b = now.get(ind.code), before.get(ind.code)
            row += [_num(b), _num(a - b) if a is not None and b is not None else None]
        summary.rows.append(row)
        if ind.code == INDEX_CODE:
            index_row = row
    return summary, place, index_row


def _municipality_detail(
    municipality: Municipality,
    year: MonitoringYear,
    previous: MonitoringYear | None,
    inds: list[Indicator],
    labels: list[str],
) -> dict[str, Any]:
    """The detail of `municipality_overview`: the ranking of the organisations by the index, the
    distribution by kind, the heat map and the completion of the year's campaigns."""
    # every indicator of this year and the index of last year, for the organisations: one query
    org_rows = list(
        IndicatorValue.objects.filter(
            Q(academic_year=year.academic_year) | Q(indicator__code=INDEX_CODE),
            academic_year__in=labels,
            level=Level.ORGANIZATION,
            municipality=municipality,
        )
        .select_related("indicator", "organization")
        # the columns shown (not the organisations' registry data: a few hundred rows a page)
        .only(
            "academic_year",
            "rank",
            "value",
            "indicator",
            "indicator__code",
            "organization",
            "organization__short_name",
            "organization__kind",
        )
    )
    current = sorted(
        (r for r in org_rows if r.academic_year == year.academic_year and r.indicator.code == INDEX_CODE),
        # equal places by name (the rows' ids say nothing: a recomputation keeps the rows that stay)
        key=lambda r: (r.rank or 0, r.organization.short_name if r.organization else "", r.organization_id),
    )
    last = {r.organization_id: r.value for r in org_rows if r.academic_year != year.academic_year}
    ranking = Table(
        title=str(municipality),
        headers=[_("Place"), _("Organisation"), _("Index")]
        + ([previous.academic_year, _("Change")] if previous else []),
    )
    kinds: dict[str, list[Decimal]] = defaultdict(list)
    for r in current:
        org: Organization = r.organization  # type: ignore[assignment]
        cells: list[Any] = [r.rank, org.short_name, _num(r.value)]
        if previous:
            b = last.get(org.pk)
            cells += [_num(b), _num(r.value - b) if b is not None else None]
        ranking.rows.append(cells)
        kinds[org.kind].append(r.value)
    kind_table = Table(
        title=str(municipality), headers=[_("Kind of organisation"), _("Organisations"), _("Median index")]
    )
    for value, label in OrganizationKind.choices:
        if value in kinds:
            kind_table.rows.append([str(label), len(kinds[value]), _num(computing.median_of(kinds[value]))])
    return {
        "ranking": ranking,
        "ranked": current,
        "kinds": kind_table,
        "chart": {
            "names": [r[1] for r in ranking.rows],
            "values": [r[2] for r in ranking.rows],
            "kinds": [r[0] for r in kind_table.rows],
            "kindValues": [r[2] for r in kind_table.rows],
        },
        "heat": _heat_map(
            municipality, year, inds, [r for r in org_rows if r.academic_year == year.academic_year]
        ),
        "completion": campaign_completion(municipality, year.academic_year),
    }


def municipality_overview(
    municipality: Municipality, year: MonitoringYear, previous: MonitoringYear | None, *, detail: bool
) -> dict[str, Any]:
    """The municipality's medians and change since last year; with `detail`, the ranking of its
    organisations by the index, the distribution by kind, the heat map of indicators × organisations
    and the completion of the year's campaigns (four queries whatever the number of organisations)."""
    inds = indicators()
    labels = [y.academic_year for y in (previous, year) if y is not None]
    summary, place, index_row = _municipality_summary(municipality, year, previous, inds, labels)
    result: dict[str, Any] = {"summary": summary, "detail": detail, "place": place, "index_row": index_row}
    if not detail:
        return result
    result.update(_municipality_detail(municipality, year, previous, inds, labels))
    return result


def _heat_map(
    municipality: Municipality, year: MonitoringYear, inds: list[Indicator], rows: list[IndicatorValue]
) -> dict[str, Any]:
    """Indicators × organisations: the value and its score 0–100 against the year's reference bounds
    (the index is already a score). Organisations in the order of the ranking, then the unranked."""
    weights = year.weights.weights if year.weights else {}
    scored = [i for i in inds if i.code == INDEX_CODE or i.code in weights]
    cells: dict[int, dict[str, IndicatorValue]] = defaultdict(dict)
    orgs: dict[int, Organization] = {}
    for r in rows:
        cells[r.organization_id][r.indicator.code] = r  # type: ignore[index]
        orgs[r.organization_id] = r.organization  # type: ignore[index,assignment]

    def order(pk: int) -> tuple[int, str]:
        index = cells[pk].get(INDEX_CODE)
        return ((index.rank or 0) if index else 10**6, orgs[pk].short_name)

    ordered = sorted(orgs, key=order)
    table = Table(title=str(municipality), headers=[_("Organisation")] + [i.name for i in scored])
    grid: list[list[Any]] = []  # [x (indicator), y (organisation), score]
    levels: list[list[int | None]] = []
    for y, pk in enumerate(ordered):
        values: list[Any] = [orgs[pk].short_name]
        row_levels: list[int | None] = []
        for x, ind in enumerate(scored):
            cell = cells[pk].get(ind.code)
            if cell is None:
                values.append(None)
                row_levels.append(None)
                continue
            if ind.code == INDEX_CODE:
                score = round(float(cell.value), 1)
            else:
                spec = weights[ind.code]
                score = (
                    _scaled(
                        cell.value,
                        {"lower": Decimal(str(spec["lower"])), "upper": Decimal(str(spec["upper"]))},
                        ind.direction == Direction.HIGHER,
                    )
                    or 0.0
                )
            values.append(_num(cell.value))
            row_levels.append(min(4, int(score // 20)))
            grid.append([x, y, score])
        table.rows.append(values)
        levels.append(row_levels)
    return {
        "table": table,
        "table_rows": [
            (row[0], list(zip(row[1:], lv, strict=True))) for row, lv in zip(table.rows, levels, strict=True)
        ],
        "chart": {"x": [i.name for i in scored], "y": [row[0] for row in table.rows], "data": grid},
    }


def campaign_completion(
    municipality: Municipality, academic_year: str, *, today: Any = None
) -> dict[str, Any]:
    """The year's campaigns: how many of the municipality's organisations answered, by state, and how
    many are overdue (one aggregate query)."""
    from django.db.models import Count
    from django.utils import timezone

    from .models import CampaignResponse, ResponseState

    today = today or timezone.localdate()
    rows = (
        CampaignResponse.objects.filter(
            campaign__academic_year=academic_year, organization__municipality=municipality
        )
        .values("campaign_id", "campaign__title", "campaign__due_on", "state")
        .annotate(n=Count("id"))
        .order_by("campaign__due_on", "campaign_id")
    )
    campaigns: dict[int, dict[str, Any]] = {}
    for r in rows:
        c = campaigns.setdefault(
            r["campaign_id"],
            {
                "title": r["campaign__title"],
                "due": r["campaign__due_on"],
                **dict.fromkeys(ResponseState.values, 0),
            },
        )
        c[r["state"]] += r["n"]
    table = Table(
        title=str(municipality),
        headers=[
            _("Campaign"),
            _("Due"),
            _("Organisations"),
            str(ResponseState.APPROVED.label),
            str(ResponseState.SUBMITTED.label),
            str(ResponseState.RETURNED.label),
            str(ResponseState.DRAFT.label),
            _("Overdue"),
            _("Approved, %"),
        ],
    )
    chart: dict[str, list[Any]] = {"names": [], "approved": [], "submitted": [], "returned": [], "draft": []}
    for c in campaigns.values():
        total = sum(c[s] for s in ResponseState.values)
        waiting = c[ResponseState.DRAFT] + c[ResponseState.RETURNED]
        overdue = waiting if c["due"] < today else 0
        table.rows.append(
            [
                c["title"],
                ddmmyyyy(c["due"]),
                total,
                c[ResponseState.APPROVED],
                c[ResponseState.SUBMITTED],
                c[ResponseState.RETURNED],
                c[ResponseState.DRAFT],
                overdue,
                round(100 * c[ResponseState.APPROVED] / total, 1) if total else None,
            ]
        )
        chart["names"].append(c["title"])
        for s in ResponseState.values:
            chart[s].append(c[s])
    labels = {s: str(label) for s, label in ResponseState.choices}
    return {"table": table, "chart": chart, "labels": labels}


def _scaled(value: Decimal | None, bounds: dict[str, Decimal], better: bool) -> float | None:
    if value is None:
        return None
    return round(float(computing.normalise(value, higher_is_better=better, **bounds)) * 100, 1)


def organization_profile(
    organization: Organization, year: MonitoringYear, years: list[MonitoringYear]
) -> dict[str, Any]:
    """The organisation's indicators against the municipality's medians (radar, normalised with the
    year's reference bounds), its index over the years and what moved the index since last year
    (three queries besides the indicators)."""
    inds = indicators()
    previous = previous_year(years, year)
    labels = [y.academic_year for y in (previous, year) if y is not None]
    own_rows = list(_values(academic_year__in=labels, level=Level.ORGANIZATION, organization=organization))
    own = {r.indicator.code: r for r in own_rows if r.academic_year == year.academic_year}
    before = {r.indicator.code: r.value for r in own_rows if r.academic_year != year.academic_year}
    median = {
        r.indicator.code: r.value
        for r in _values(
            academic_year=year.academic_year,
            level=Level.MUNICIPALITY,
            municipality_id=organization.municipality_id,
        )
    }
    weights = year.weights.weights if year.weights else {}
    profile = Table(
        title=organization.short_name,
        headers=[_("Indicator"), _("Unit"), _("Value"), _("Place"), _("Median of the municipality")],
    )
    radar: dict[str, list[Any]] = {"names": [], "own": [], "median": []}
    for ind in inds:
        r = own.get(ind.code)
        profile.rows.append(
            [
                ind.name,
                ind.unit,
                _num(r.value) if r else None,
                r.rank if r else None,
                _num(median.get(ind.code)),
            ]
        )
        spec = weights.get(ind.code)
        if spec is None:
            continue
        bounds = {"lower": Decimal(str(spec["lower"])), "upper": Decimal(str(spec["upper"]))}
        better = ind.direction == Direction.HIGHER

        radar["names"].append(ind.name)
        radar["own"].append(_scaled(r.value if r else None, bounds, better))
        radar["median"].append(_scaled(median.get(ind.code), bounds, better))
    shown = [y.academic_year for y in years]
    trend_rows = IndicatorValue.objects.filter(
        organization=organization,
        level=Level.ORGANIZATION,
        indicator__code=INDEX_CODE,
        academic_year__in=shown,
    ).order_by("academic_year")
    trend = Table(
        title=organization.short_name,
        headers=[_("Academic year"), _("Index"), _("Place in the municipality")],
    )
    for t in trend_rows:
        trend.rows.append([t.academic_year, _num(t.value), t.rank])
    return {
        "profile": profile,
        "trend": trend,
        "moved": _what_moved(
            organization, inds, year, previous, {c: r.value for c, r in own.items()}, before
        ),
        "chart": {"radar": radar, "years": [r[0] for r in trend.rows], "trend": [r[1] for r in trend.rows]},
    }


def _what_moved(
    organization: Organization,
    inds: list[Indicator],
    year: MonitoringYear,
    previous: MonitoringYear | None,
    now: dict[str, Decimal],
    before: dict[str, Decimal],
) -> dict[str, Any] | None:
    """The change of the index since last year split by indicator (each year with its own weights)."""
    if previous is None or year.weights is None or previous.weights is None:
        return None
    directions = {i.code: i.direction == Direction.HIGHER for i in inds}
    parts = computing.index_change(
        now,
        before,
        weights_now=year.weights.weights,
        weights_before=previous.weights.weights,
        directions=directions,
    )
    if parts is None:
        return None
    table = Table(
        title=organization.short_name,
        headers=[
            _("Indicator"),
            previous.academic_year,
            year.academic_year,
            _("Contribution to the change, points"),
        ],
    )
    chart: dict[str, list[Any]] = {"names": [], "values": []}
    for ind in inds:
        if ind.code not in parts:
            continue
        points = round(float(parts[ind.code]), 2)
        table.rows.append([ind.name, _num(before.get(ind.code)), _num(now.get(ind.code)), points])
        chart["names"].append(ind.name)
        chart["values"].append(points)
    total = _num(now.get(INDEX_CODE, Decimal(0)) - before.get(INDEX_CODE, Decimal(0)))
    table.rows.append(
        [_("Change of the index"), _num(before.get(INDEX_CODE)), _num(now.get(INDEX_CODE)), total]
    )
    return {"table": table, "chart": chart, "total": total, "previous": previous.academic_year}


_VALUES_ORDER = ("academic_year", "level", "indicator_id", "id")


def published_values(user: Any) -> QuerySet[IndicatorValue]:
    """The API's values: published years; organisation rows only within the user's scope.

    Ordered as the index `(academic_year, level, indicator)` is (then id), so that the database reads a
    page from the index instead of sorting every row of the published years through a join with the
    indicators (the indicator's position is the client's to sort by; it is in every row)."""
    from django.db.models import Q

    qs = IndicatorValue.objects.filter(
        academic_year__in=MonitoringYear.objects.filter(published=True).values("academic_year")
    ).select_related("indicator", "organization", "municipality", "region")
    scope = get_scope(user)
    if scope.is_admin:
        return qs.order_by(*_VALUES_ORDER)
    allowed = Q(level__in=[Level.MUNICIPALITY, Level.REGION])
    if scope.authenticated:
        allowed |= Q(organization_id__in=scope.coordinator_organizations)
        allowed |= Q(municipality_id__in=scope.methodologist_municipalities | scope.observer_municipalities)
        allowed |= Q(region_id__in=scope.observer_regions)
    return qs.filter(allowed).order_by(*_VALUES_ORDER)
