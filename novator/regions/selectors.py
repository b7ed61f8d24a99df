"""The figures of the region page, per municipality: a fixed number of aggregate queries (GROUP BY
municipality in the database) whatever the number of municipalities and organisations.

- organisations: active organisations of the registry;
- statuses: status assignments in force today, and per 100 organisations;
- applications and winners: submitted applications (not drafts, not withdrawn) and awarded ones by the
  contest's academic year, of the municipality's organisations;
- adoptions across borders, in the chosen academic year: `exported` — adoptions by organisations of
  *other* municipalities of products authored by an organisation of this one; `imported` — adoptions by
  the municipality's organisations of products none of whose authors is in it;
- the index of innovation potential of the latest published monitoring year: the median and the
  interquartile range (Q3 − Q1, quartiles interpolated linearly as numpy's default) over the
  municipality's organisations; only the rows at the quartiles leave the database (window functions);
- events: registrations (confirmed, not waitlisted or cancelled) and attendances of the municipality's
  staff at events that began in the chosen academic year.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from novator.core.academic_year import AcademicYear
from novator.organizations.models import Municipality, Person, Region

#: The columns of the comparison, in the order of the page, the export and the API:
#: (key, label, kind) with kind "int", "float" (one decimal) or "text".
COLUMNS: tuple[tuple[str, Any, str], ...] = (
    ("name", _("Municipality"), "text"),
    ("organizations", _("Organisations"), "int"),
    ("statuses", _("Statuses in force"), "int"),
    ("statuses_per_100", _("Statuses per 100 organisations"), "float"),
    ("applications", _("Applications"), "int"),
    ("winners", _("Winners"), "int"),
    ("adoptions_exported", _("Products adopted in other districts"), "int"),
    ("adoptions_imported", _("Products of other districts adopted"), "int"),
    ("index_median", _("Index: median"), "float"),
    ("index_iqr", _("Index: spread (IQR)"), "float"),
    ("registrations", _("Event registrations"), "int"),
    ("attendances", _("Event attendances"), "int"),
)
COLUMN_KEYS = frozenset(key for key, _label, _kind in COLUMNS)
#: the figures a map can colour by (every numeric column)
FIGURES = tuple((key, label) for key, label, kind in COLUMNS if kind != "text")
DEFAULT_FIGURE = "statuses_per_100"


@dataclass
class Row:
    id: int
    name: str
    oktmo: str
    organizations: int = 0
    statuses: int = 0
    statuses_per_100: float | None = None
    applications: int = 0
    winners: int = 0
    adoptions_exported: int = 0
    adoptions_imported: int = 0
    index_median: float | None = None
    index_iqr: float | None = None
    index_organizations: int = 0
    registrations: int = 0
    attendances: int = 0
    #: {academic year: (applications, winners)}
    by_year: dict[str, tuple[int, int]] = field(default_factory=dict)

    def value(self, key: str) -> Any:
        return getattr(self, key)


@dataclass
class Comparison:
    region: Region
    year: str  # the academic year of applications, adoptions and events
    years: list[str]  # every academic year with applications, ascending (and the chosen one)
    index_year: str | None  # the latest published monitoring year, None when there is none
    rows: list[Row]
    totals: Row

    def sorted_rows(self, sort: str) -> list[Row]:
        return sort_rows(self.rows, sort)


def normalise_sort(sort: str | None) -> str:
    """`name`, `-statuses` …; anything else is the default order (by name)."""
    key = (sort or "").lstrip("-")
    return sort if sort and key in COLUMN_KEYS else "name"


def sort_rows(rows: list[Row], sort: str) -> list[Row]:
    sort = normalise_sort(sort)
    key = sort.lstrip("-")
    reverse = sort.startswith("-")
    present = [r for r in rows if r.value(key) is not None]
    missing = [r for r in rows if r.value(key) is None]  # always last, whatever the direction
    if key == "name":
        present.sort(key=lambda r: r.name.lower(), reverse=reverse)
    else:
        present.sort(key=lambda r: (r.value(key), r.name.lower()), reverse=reverse)
    return present + sorted(missing, key=lambda r: r.name.lower())


def _year_moments(year: AcademicYear) -> tuple[datetime.datetime, datetime.datetime]:
    """The academic year as moments: from its first local midnight to the one after its last day (so that
    the index on the event's start is used; not `starts_at__date`)."""
    zone = timezone.get_current_timezone()
    first = datetime.datetime.combine(year.starts, datetime.time.min, tzinfo=zone)
    after = datetime.datetime.combine(year.ends + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    return first, after


def _quantile(values: dict[int, float], n: int, p: float) -> float:
    h = (n - 1) * p
    low = int(h)
    high = low if h == low else low + 1
    return values[low + 1] + (h - low) * (values[high + 1] - values[low + 1])


def _quartile_rows(region: Region, academic_year: str) -> dict[int, tuple[int, dict[int, float]]]:
    """{municipality: (organisations with an index, {position: value})} — only the rows at the three
    quartiles (linear interpolation needs the two neighbours of each), chosen by window functions."""
    from novator.monitoring.models import INDEX_CODE, IndicatorValue, Level

    ranked = IndicatorValue.objects.filter(
        academic_year=academic_year,
        level=Level.ORGANIZATION,
        indicator__code=INDEX_CODE,
        municipality__region=region,
    ).annotate(
        pos=Window(RowNumber(), partition_by=[F("municipality")], order_by=[F("value").asc(), F("id").asc()]),
        n=Window(Count("id"), partition_by=[F("municipality")]),
    )
    # 4·(pos−1) within 3 of k·(n−1): exactly the floor and the ceiling of the quartile's position (n−1)·k/4
    ranked = ranked.annotate(**{f"q{k}": 4 * (F("pos") - 1) - k * (F("n") - 1) for k in (1, 2, 3)})
    near = Q(q1__range=(-3, 3)) | Q(q2__range=(-3, 3)) | Q(q3__range=(-3, 3))
    found: dict[int, tuple[int, dict[int, float]]] = {}
    for municipality, pos, n, value in ranked.filter(near).values_list("municipality", "pos", "n", "value"):
        found.setdefault(municipality, (n, {}))[1][pos] = float(value)
    return found


def _latest_published_year() -> str | None:
    from novator.monitoring.models import MonitoringYear

    return (
        MonitoringYear.objects.filter(published=True)
        .order_by("-academic_year")
        .values_list("academic_year", flat=True)
        .first()
    )


def comparison_years(region: Region) -> list[str]:
    """The academic years with applications from the region (ascending)."""
    from novator.contests.models import Contest

    return sorted(
        set(
            Contest.objects.filter(applications__organization__municipality__region=region)
            .order_by()
            .values_list("academic_year", flat=True)
            .distinct()
        )
    )


def region_comparison(region: Region, *, year: str | None = None) -> Comparison:
    """Every figure of the region page (eight queries whatever the size of the region)."""
    from novator.contests.models import Application, ApplicationState
    from novator.events.models import RegistrationStatus
    from novator.library.models import Adoption, MethodProduct
    from novator.statuses.models import StatusAssignment

    rows = {
        pk: Row(pk, name, oktmo, organizations=orgs)
        for pk, name, oktmo, orgs in Municipality.objects.filter(region=region)
        .annotate(orgs=Count("organizations", filter=Q(organizations__is_active=True)))
        .values_list("pk", "name", "oktmo", "orgs")
    }

    for municipality, n in (
        StatusAssignment.objects.active()
        .filter(organization__municipality__region=region)
        .order_by()
        .values_list("organization__municipality")
        .annotate(n=Count("pk"))
    ):
        rows[municipality].statuses = n

    # applications and winners by year (one query for every year)
    years: set[str] = set()
    for municipality, academic_year, applications, winners in (
        Application.objects.filter(organization__municipality__region=region)
        .exclude(state__in=[ApplicationState.DRAFT, ApplicationState.WITHDRAWN])
        .order_by()
        .values_list("organization__municipality", "contest__academic_year")
        .annotate(n=Count("pk"), wins=Count("pk", filter=Q(awarded=True)))
    ):
        rows[municipality].by_year[academic_year] = (applications, winners)
        years.add(academic_year)

    chosen = _choose_year(year, years)
    academic = AcademicYear.parse(chosen)
    years.add(chosen)
    for row in rows.values():
        row.applications, row.winners = row.by_year.get(chosen, (0, 0))

    adoptions = Adoption.objects.filter(
        product__is_published=True, adopted_on__range=(academic.starts, academic.ends)
    ).order_by()
    # exported: (author's municipality, adopter's municipality) pairs of the year, counted once per
    # adoption and author municipality
    for author_place, adopter_place, n in (
        adoptions.filter(product__author_organizations__municipality__region=region)
        .values_list("product__author_organizations__municipality", "organization__municipality")
        .annotate(n=Count("pk", distinct=True))
    ):
        if author_place != adopter_place and author_place in rows:
            rows[author_place].adoptions_exported += n
    authored_here = MethodProduct.author_organizations.through.objects.filter(
        methodproduct=OuterRef("product"), organization__municipality=OuterRef("organization__municipality")
    )
    for municipality, n in (
        adoptions.filter(organization__municipality__region=region)
        .filter(~Exists(authored_here))
        .values_list("organization__municipality")
        .annotate(n=Count("pk"))
    ):
        rows[municipality].adoptions_imported = n

    # from the region's organisations to their staff's registrations (indexes all the way), not from the
    # year's events (a whole country's registrations to join back): 7 s → 0.2 s at country scale on SQLite
    first, after = _year_moments(academic)
    in_year = Q(
        event_registrations__event__starts_at__gte=first, event_registrations__event__starts_at__lt=after
    )
    for municipality, registered, attended in (
        Person.objects.filter(organization__municipality__in=list(rows))
        .filter(in_year)
        .order_by()
        .values_list("organization__municipality")
        .annotate(
            registered=Count(
                "event_registrations", filter=Q(event_registrations__status=RegistrationStatus.REGISTERED)
            ),
            attended=Count("event_registrations", filter=Q(event_registrations__attended_at__isnull=False)),
        )
    ):
        rows[municipality].registrations = registered
        rows[municipality].attendances = attended

    index_year = _latest_published_year()
    if index_year is not None:
        for municipality, (n, values) in _quartile_rows(region, index_year).items():
            if municipality not in rows:
                continue
            row = rows[municipality]
            row.index_organizations = n
            row.index_median = round(_quantile(values, n, 0.5), 2)
            row.index_iqr = round(_quantile(values, n, 0.75) - _quantile(values, n, 0.25), 2)

    for row in rows.values():
        if row.organizations:
            row.statuses_per_100 = round(100 * row.statuses / row.organizations, 1)

    ordered = sort_rows(list(rows.values()), "name")
    return Comparison(
        region=region,
        year=chosen,
        years=sorted(years),
        index_year=index_year,
        rows=ordered,
        totals=_totals(region, ordered),
    )


def _choose_year(requested: str | None, years: set[str]) -> str:
    """The requested academic year when it is one; else the latest with applications up to the current
    one; else the current one."""
    if requested:
        try:
            return str(AcademicYear.parse(requested))
        except ValueError:
            pass
    current = str(AcademicYear.of(timezone.localdate()))
    past = [y for y in years if y <= current]
    return max(past) if past else current


def _totals(region: Region, rows: list[Row]) -> Row:
    total = Row(0, str(region), region.code)
    for key in (
        "organizations",
        "statuses",
        "applications",
        "winners",
        "adoptions_exported",
        "adoptions_imported",
        "registrations",
        "attendances",
        "index_organizations",
    ):
        setattr(total, key, sum(getattr(r, key) for r in rows))
    if total.organizations:
        total.statuses_per_100 = round(100 * total.statuses / total.organizations, 1)
    by_year: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        for academic_year, (applications, winners) in row.by_year.items():
            by_year[academic_year][0] += applications
            by_year[academic_year][1] += winners
    total.by_year = {y: (a, w) for y, (a, w) in by_year.items()}
    return total


def regions_visible_to(user: Any) -> list[Region]:
    """The regions whose page the user may open (administrators: all; observers: their regions)."""
    from novator.accounts.scope import get_scope

    scope = get_scope(user)
    qs = Region.objects.order_by("name")
    if not scope.is_admin:
        qs = qs.filter(pk__in=scope.observer_regions)
    return list(qs)
