"""Reads of the monitoring: only the precomputed rows (IndicatorValue), a fixed number of queries per
page whatever the number of organisations."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from novator.accounts.scope import get_scope
from novator.organizations.models import Municipality, Organization, OrganizationKind, Region

from . import computing
from .models import INDEX_CODE, Direction, IndexWeightChange, Indicator, IndicatorValue, Level, MonitoringYear


def years_visible_to(user: Any) -> QuerySet[MonitoringYear]:
    qs = MonitoringYear.objects.filter(computed_at__isnull=False).select_related("weights")
    if not user.has_perm("monitoring.view_unpublished"):
        qs = qs.filter(published=True)
    return qs.order_by("-academic_year")


def pick_year(years: list[MonitoringYear], requested: str | None) -> MonitoringYear | None:
    for year in years:
        if year.academic_year == requested:
            return year
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
    return None if value is None else float(value)


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
            "years": [y for y, _ in trend],
            "trend": [_num(v) for _, v in trend],
        },
    }


def municipality_overview(
    municipality: Municipality, year: MonitoringYear, previous: MonitoringYear | None, *, detail: bool
) -> dict[str, Any]:
    """The municipality's medians and change since last year; with `detail`, the ranking of its
    organisations by the index and the distribution by kind (three queries)."""
    inds = indicators()
    labels = [y.academic_year for y in (previous, year) if y is not None]
    medians: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for value_row in _values(academic_year__in=labels, level=Level.MUNICIPALITY, municipality=municipality):
        medians[value_row.academic_year][value_row.indicator.code] = value_row.value
    now, before = (
        medians.get(year.academic_year, {}),
        medians.get(previous.academic_year, {}) if previous else {},
    )
    summary = Table(
        title=str(municipality),
        headers=["Показатель", year.academic_year]
        + ([previous.academic_year, "Изменение"] if previous else []),
    )
    for ind in inds:
        row: list[Any] = [ind.name, _num(now.get(ind.code))]
        if previous:
            a, b = now.get(ind.code), before.get(ind.code)
            row += [_num(b), _num(a - b) if a is not None and b is not None else None]
        summary.rows.append(row)
    result: dict[str, Any] = {"summary": summary, "detail": detail}
    if not detail:
        return result
    index_rows = list(
        IndicatorValue.objects.filter(
            academic_year__in=labels,
            level=Level.ORGANIZATION,
            municipality=municipality,
            indicator__code=INDEX_CODE,
        ).select_related("organization")
    )
    current = sorted(
        (r for r in index_rows if r.academic_year == year.academic_year), key=lambda r: (r.rank or 0, r.pk)
    )
    last = {r.organization_id: r.value for r in index_rows if r.academic_year != year.academic_year}
    ranking = Table(
        title=str(municipality),
        headers=["Место", "Организация", "Индекс"]
        + ([previous.academic_year, "Изменение"] if previous else []),
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
    kind_table = Table(title=str(municipality), headers=["Вид организации", "Организаций", "Медиана индекса"])
    for value, label in OrganizationKind.choices:
        if value in kinds:
            kind_table.rows.append([str(label), len(kinds[value]), _num(computing.median_of(kinds[value]))])
    result.update(
        ranking=ranking,
        ranked=current,
        kinds=kind_table,
        chart={
            "names": [r[1] for r in ranking.rows],
            "values": [r[2] for r in ranking.rows],
            "kinds": [r[0] for r in kind_table.rows],
            "kindValues": [r[2] for r in kind_table.rows],
        },
    )
    return result


def _scaled(value: Decimal | None, bounds: dict[str, Decimal], better: bool) -> float | None:
    if value is None:
        return None
    return round(float(computing.normalise(value, higher_is_better=better, **bounds)) * 100, 1)


def organization_profile(
    organization: Organization, year: MonitoringYear, years: list[MonitoringYear]
) -> dict[str, Any]:
    """The organisation's indicators against the municipality's medians (radar, normalised with the
    year's reference bounds) and its index over the years (two queries)."""
    inds = indicators()
    own = {
        r.indicator.code: r
        for r in _values(
            academic_year=year.academic_year, level=Level.ORGANIZATION, organization=organization
        )
    }
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
        headers=["Показатель", "Единица", "Значение", "Место", "Медиана района"],
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
    trend = Table(title=organization.short_name, headers=["Учебный год", "Индекс", "Место в районе"])
    for t in trend_rows:
        trend.rows.append([t.academic_year, _num(t.value), t.rank])
    return {
        "profile": profile,
        "trend": trend,
        "chart": {"radar": radar, "years": [r[0] for r in trend.rows], "trend": [r[1] for r in trend.rows]},
    }


def published_values(user: Any) -> QuerySet[IndicatorValue]:
    """The API's values: published years; organisation rows only within the user's scope."""
    from django.db.models import Q

    qs = IndicatorValue.objects.filter(
        academic_year__in=MonitoringYear.objects.filter(published=True).values("academic_year")
    ).select_related("indicator", "organization", "municipality", "region")
    scope = get_scope(user)
    if scope.is_admin:
        return qs.order_by("academic_year", "indicator__position", "level", "id")
    allowed = Q(level__in=[Level.MUNICIPALITY, Level.REGION])
    if scope.authenticated:
        allowed |= Q(organization_id__in=scope.coordinator_organizations)
        allowed |= Q(municipality_id__in=scope.methodologist_municipalities | scope.observer_municipalities)
        allowed |= Q(region_id__in=scope.observer_regions)
    return qs.filter(allowed).order_by("academic_year", "indicator__position", "level", "id")
