"""The ranking per category — raw and calibrated side by side — and the agreement of the experts.

`contest_ranking(contest)` reads the submitted sheets once (five queries whatever the size) and ranks the
applications twice with the same rules (`contests/scoring.py`): on the experts' raw totals, and on the
totals calibrated for each expert's leniency (`calibration.py`, experts with at least
`contest.calibration_min_sheets` sheets). `Ranking.categories` is the official one (the contest's
`official_ranking`): the chair confirms it and the minutes print it. The agreement — spread per
application, Kendall's W, ICC and the leniency of each expert (`agreement.py`) — comes from the raw totals.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple, cast, overload

import numpy as np
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Subquery,
    Window,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, DenseRank
from django.utils.translation import gettext as _

from novator.accounts.models import User, display_name
from novator.contests import scoring
from novator.contests.models import (
    Application,
    ApplicationState,
    Category,
    Contest,
    Criterion,
    OfficialRanking,
)
from novator.core.arrays import positions

from .. import agreement, calibration
from ..models import Assignment, Expert, RankingVersion, Score, ScoreSheet
from ..sheet_columns import Sheets
from ._common import SUBMITTED, accepted_applications, criterion_specs

CENT = Decimal("0.01")


class RankedApplications:
    """The application instances of a ranking, read when first needed.

    A ranking rebuilt from the cache knows only the ids: `load(ids)` reads the given ones (the visible page)
    in one query, and the first `row.application` of an unread one reads all the others (one query).
    """

    def __init__(self, contest: Contest, ids: list[int], loaded: dict[int, Application] | None = None):
        self.contest = contest
        self.ids = ids
        self.loaded: dict[int, Application] = dict(loaded or {})

    def load(self, ids: Iterable[int]) -> None:
        missing = [pk for pk in ids if pk not in self.loaded]
        if missing:
            # the texts of the application forms are not shown here (and may be long)
            for application in (
                accepted_applications(self.contest)
                .filter(pk__in=missing)
                .order_by()  # (kept by id: no need to sort the contest's applications)
                .defer("texts", "return_reason", "reject_reason")
            ):
                self.loaded[application.pk] = application

    def __getitem__(self, pk: int) -> Application:
        if pk not in self.loaded:
            self.load(self.ids)
        return self.loaded[pk]


@dataclass
class RankingRow:
    application_id: int
    #: the official result (raw or calibrated, as the contest decides)
    result: scoring.RankedRow
    assigned: int
    submitted: int
    raw: scoring.RankedRow | None = None
    calibrated: scoring.RankedRow | None = None
    spread: agreement.Spread | None = None
    applications: RankedApplications | None = field(default=None, repr=False, compare=False)

    @property
    def application(self) -> Application:
        assert self.applications is not None
        return self.applications[self.application_id]

    @property
    def complete(self) -> bool:
        return self.assigned > 0 and self.submitted == self.assigned

    @property
    def rank_moves(self) -> int | None:
        """How many places the calibrated rank differs from the raw one (positive: calibration lifts it)."""
        if (
            self.raw is None
            or self.calibrated is None
            or self.raw.rank is None
            or self.calibrated.rank is None
        ):
            return None
        return self.raw.rank - self.calibrated.rank


@dataclass
class CategoryRanking:
    category: Category | None
    #: a list, or the `CachedRows` of a ranking read from the cache (read in chunks as they are shown)
    rows: Sequence[RankingRow]
    #: the whole category's figures, known without reading its rows when the ranking comes from the cache
    summary: CategorySummary | None = None

    @property
    def quota(self) -> int | None:
        return self.category.quota if self.category else None

    @property
    def name(self) -> str:
        return self.category.name if self.category else ""

    @property
    def threshold_index(self) -> int:
        """Index of the first scored row below the threshold (where the threshold line is drawn)."""
        return self.figures.threshold_index

    @property
    def passing(self) -> int:
        """Applications at or above the threshold."""
        return self.figures.passing

    @property
    def proposed(self) -> int:
        return self.figures.proposed

    @property
    def figures(self) -> CategorySummary:
        if self.summary is None:
            self.summary = CategorySummary.of(self.rows)
        return self.summary


@dataclass(frozen=True)
class CategorySummary:
    count: int
    passing: int
    proposed: int
    threshold_index: int

    @classmethod
    def of(cls, rows: Sequence[RankingRow]) -> CategorySummary:
        line = len(rows)
        for index, row in enumerate(rows):
            if row.result.total is not None and not row.result.passes_threshold:
                line = index
                break
        return cls(
            count=len(rows),
            passing=sum(1 for r in rows if r.result.passes_threshold),
            proposed=sum(1 for r in rows if r.result.proposed),
            threshold_index=line,
        )


@dataclass
class ExpertLeniency:
    expert_id: int
    #: the expert's name as shown (the table, the chart, the minutes): a cached ranking reads no experts
    name: str
    applications: int
    mean_deviation: float
    se: float | None
    calibrated: bool
    loaded: Expert | None = field(default=None, repr=False, compare=False)

    @property
    def expert(self) -> Expert:
        """The expert (read when first asked: the pages and documents need only the name)."""
        if self.loaded is None:
            self.loaded = Expert.objects.select_related("user").get(pk=self.expert_id)
        return self.loaded


#: the experts of a large commission whose leniency a cached ranking keeps at hand (the page shows at
#: most these; the whole list is read when asked for: the minutes)
LENIENCY_KEPT = 100


def _most_deviating(items: Sequence[ExpertLeniency], limit: int) -> list[ExpertLeniency]:
    if len(items) <= limit:
        return list(items)
    largest = sorted(items, key=lambda item: -abs(item.mean_deviation))[:limit]
    chosen = {id(item) for item in largest}
    return [item for item in items if id(item) in chosen]


@dataclass
class Agreement:
    """How much the experts agree (from the raw totals of the submitted sheets)."""

    threshold: Decimal
    concordance: agreement.Concordance
    experts: int
    applications: int
    icc1: float | None = None
    icc2_1: float | None = None
    #: a list, or the `CachedLeniency` of a ranking read from the cache (read when iterated)
    leniency: Sequence[ExpertLeniency] = field(default_factory=list)
    flagged: int = 0
    #: the LENIENCY_KEPT experts who deviate most (what the page shows), known without the whole list
    kept: list[ExpertLeniency] | None = None

    def most_deviating(self, limit: int) -> list[ExpertLeniency]:
        """All the experts of a small commission; of a large one, the `limit` who deviate most from the
        others (in the agreement's own order)."""
        pool = self.kept if self.kept is not None and limit <= LENIENCY_KEPT else self.leniency
        return _most_deviating(pool, limit)

    @property
    def w(self) -> float | None:
        return self.concordance.w

    @property
    def interpretation(self) -> str:
        """The level of agreement in the user's language (the scale of `agreement.interpret_w`)."""
        w = self.concordance.w
        if w is None:
            return _("agreement cannot be determined")
        if w >= 0.7:
            return _("very high agreement")
        if w >= 0.5:
            return _("high agreement")
        if w >= 0.3:
            return _("moderate agreement")
        return _("weak agreement")

    @property
    def note(self) -> str:
        """Why W is missing, or on which block it was computed."""
        c = self.concordance
        if c.w is None:
            if c.experts:
                return _("W cannot be computed: every score in the block is the same.")
            return _("W cannot be computed: no two experts scored the same two applications or more.")
        if not c.complete:
            return _(
                "Not every expert scored every application: W is computed on the largest complete block, "
                "%(m)d experts × %(n)d applications of %(experts)d × %(applications)d."
            ) % {
                "m": len(c.experts),
                "n": len(c.applications),
                "experts": self.experts,
                "applications": self.applications,
            }
        return ""

    def chart(self, items: Sequence[ExpertLeniency] | None = None) -> dict[str, Any]:
        """Data of the leniency chart: names and the mean deviation from the other experts, in points (of
        the given experts, else of all)."""
        shown = self.leniency if items is None else items
        return {
            "names": [item.name for item in shown],
            "values": [round(item.mean_deviation, 2) for item in shown],
        }


@dataclass
class Ranking:
    contest: Contest
    criteria: list[Criterion]
    threshold: Decimal
    max_total: Decimal
    #: the official ranking (what the chair confirms)
    categories: list[CategoryRanking]
    official: str = OfficialRanking.RAW
    calibrated_experts: int = 0
    agreement: Agreement | None = None
    applications: RankedApplications | None = field(default=None, repr=False, compare=False)
    #: sheets assigned but not submitted, and the applications without a submitted sheet (known without
    #: reading the rows when the ranking comes from the cache)
    pending_sheets: int | None = None
    without_sheets_ids: list[int] | None = None

    @property
    def rows(self) -> list[RankingRow]:
        return [row for category in self.categories for row in category.rows]

    @property
    def pending(self) -> int:
        """Sheets assigned but not submitted."""
        if self.pending_sheets is None:
            self.pending_sheets = sum(r.assigned - r.submitted for r in self.rows)
        return self.pending_sheets

    @property
    def without_sheets(self) -> list[Application]:
        if self.without_sheets_ids is None:
            self.without_sheets_ids = [r.application_id for r in self.rows if r.submitted == 0]
        if self.applications is None:  # pragma: no cover - both constructors set it
            return [r.application for r in self.rows if r.submitted == 0]
        self.applications.load(self.without_sheets_ids)
        return [self.applications[pk] for pk in self.without_sheets_ids]

    @property
    def is_calibrated(self) -> bool:
        return self.official == OfficialRanking.CALIBRATED

    def rows_for(self, ids: Collection[int]) -> list[RankingRow]:
        """The rows of these applications in the ranking's order (unknown ids are left out), from the rows
        already read when they hold them all (the visible page of a cached ranking), else from all."""
        wanted = set(ids)
        read = [
            row
            for category in self.categories
            for row in (category.rows.read_rows() if isinstance(category.rows, CachedRows) else category.rows)
            if row.application_id in wanted
        ]
        if len(read) == len(wanted):
            return read
        return [row for row in self.rows if row.application_id in wanted]

    def load_applications(self, rows: Iterable[RankingRow]) -> None:
        """Read the applications of these rows at once (one query; none when they are already read)."""
        if self.applications is not None:
            self.applications.load(row.application_id for row in rows)


def _cents(values: np.ndarray) -> np.ndarray:
    """Each float rounded half-up to cents as `Decimal(str(value)).quantize(CENT, ROUND_HALF_UP)` rounds
    it (the shortest decimal that reads back as the float): in floats, and through `Decimal` only for a
    value within a millionth of a cent of a half, where the float product could round the other way."""
    scaled = values * 100
    cents = np.floor(scaled + 0.5)
    near_half = np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6
    for i in np.flatnonzero(near_half).tolist():
        cents[i] = int(Decimal(str(float(values[i]))).quantize(CENT, rounding=ROUND_HALF_UP).scaleb(2))
    return cents.astype(np.int64)


def _places(keys: Sequence[Hashable], chosen: Sequence[Hashable]) -> np.ndarray:
    """For each of `keys` (by code), its place among `chosen`, or -1."""
    code = {key: i for i, key in enumerate(keys)}
    places = np.full(len(keys), -1)
    places[[code[key] for key in chosen]] = np.arange(len(chosen))
    return places


def _agreement(
    contest: Contest, sheets: Sheets, names: dict[int, str], calibrated: set[Hashable]
) -> Agreement:
    threshold = contest.spread_threshold
    concordance = agreement.concordance(sheets)
    result = Agreement(
        threshold=threshold,
        concordance=concordance,
        experts=len(sheets.experts),
        applications=len(sheets.applications),
        icc1=agreement.icc1_oneway(sheets),
    )
    if concordance.w is not None and len(concordance.experts) >= 2 and len(concordance.applications) >= 2:
        # the block's totals: the sheets of its experts on its applications (each pair has one)
        row_of = _places(sheets.applications, concordance.applications)
        column_of = _places(sheets.experts, concordance.experts)
        rows, columns = row_of[sheets.application], column_of[sheets.expert]
        inside = (rows >= 0) & (columns >= 0)
        block = np.empty((len(concordance.applications), len(concordance.experts)))
        block[rows[inside], columns[inside]] = sheets.total[inside]
        result.icc2_1 = agreement.icc(block)["icc2_1"]
    result.leniency = [
        ExpertLeniency(
            cast("int", item.expert),  # the sheets name experts by their ids
            names[cast("int", item.expert)],
            item.applications,
            item.mean_deviation,
            item.se,
            item.expert in calibrated,
        )
        for item in agreement.leniency(sheets)
        if item.expert in names
    ]
    return result


class _Applicant(NamedTuple):
    pk: int
    category_id: int | None
    number: int | None
    #: the order of the submission times (equal times share one; no time comes last)
    submitted_order: int
    #: how many assignments the application has
    assigned: int


#: the units of a weighted sheet total: points have one decimal, weights two (a whole number of 10^-3)
POINTS_SCALE = Score._meta.get_field("points").decimal_places
WEIGHT_SCALE = Criterion._meta.get_field("weight").decimal_places
TOTAL_SCALE = POINTS_SCALE + WEIGHT_SCALE


def _sheet_columns(contest: Contest, specs: list[scoring.CriterionSpec]) -> np.ndarray:
    """One row per submitted sheet of an accepted application of the contest, all integers: application
    id, expert id, sheet id, the weighted total in 10^-TOTAL_SCALE points and the points on the first
    criterion in 10^-POINTS_SCALE points.

    One aggregate query: the database sums the totals in exact integers (the criteria's weights are known
    here, so no join to the criteria), and 50,000 sheets come back as 50,000 short rows.
    """
    points = f"CAST(ROUND(s.points * {10**POINTS_SCALE}) AS INTEGER)"
    weighted = " ".join(
        f"WHEN {int(spec.id)} THEN {points} * {int(spec.weight.scaleb(WEIGHT_SCALE))}" for spec in specs
    )
    total = f"CASE s.criterion_id {weighted} ELSE 0 END" if specs else "0"
    first = int(scoring.ordered_criteria(specs)[0].id) if specs else 0
    sql = f"""
        SELECT asg.application_id, asg.expert_id, sh.id,
               COALESCE(SUM({total}), 0),
               COALESCE(SUM(CASE WHEN s.criterion_id = {first} THEN {points} ELSE 0 END), 0)
        FROM {ScoreSheet._meta.db_table} sh
        JOIN {Assignment._meta.db_table} asg ON asg.id = sh.assignment_id
        JOIN {Application._meta.db_table} app ON app.id = asg.application_id
        LEFT JOIN {Score._meta.db_table} s ON s.sheet_id = sh.id AND s.points IS NOT NULL
        WHERE app.contest_id = %s AND app.state = %s AND sh.state = %s
        GROUP BY asg.id, sh.id
    """  # noqa: S608 - only integers (ids, weights) and table names are formatted into it
    with connection.cursor() as cursor:
        cursor.execute(sql, [contest.pk, ApplicationState.ACCEPTED, SUBMITTED])
        rows = cursor.fetchall()
    return np.array(rows, dtype=np.int64).reshape(-1, 5)


class _PerApplication(NamedTuple):
    sheets: np.ndarray
    sums: np.ndarray
    minimum: np.ndarray
    maximum: np.ndarray
    #: each application's sheet totals, as a list of ints
    units: list[list[int]]


def _per_application(application: np.ndarray, units: np.ndarray, count: int) -> _PerApplication:
    """Of sheets sorted by application: the count, the sum, the smallest and the largest units of each
    application, and each one's list of units."""
    sheets = np.bincount(application, minlength=count)
    sums = np.bincount(application, weights=units, minlength=count).round().astype(np.int64)
    bounds = np.concatenate(([0], np.cumsum(sheets)))
    minimum = np.zeros(count, dtype=np.int64)
    maximum = np.zeros(count, dtype=np.int64)
    scored = sheets > 0
    if scored.any():
        minimum[scored] = np.minimum.reduceat(units, bounds[:-1][scored])
        maximum[scored] = np.maximum.reduceat(units, bounds[:-1][scored])
    flat = units.tolist()
    return _PerApplication(
        sheets, sums, minimum, maximum, [flat[bounds[i] : bounds[i + 1]] for i in range(count)]
    )


def _expert_names(ids: list[int]) -> dict[int, str]:
    """The names of these experts as shown (`User.display_name`), without the model instances."""
    names: dict[int, str] = {}
    for start in range(0, len(ids), 10_000):  # (a database takes only so many parameters at once)
        names.update(
            (pk, display_name(*name))
            for pk, *name in Expert.objects.filter(pk__in=ids[start : start + 10_000]).values_list(
                "pk", *(f"user__{field}" for field in User.NAME_FIELDS)
            )
        )
    return names


@contextlib.contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Python's cycle collector paused: a computation that builds a hundred thousand objects, all alive
    until it returns, would otherwise have them traversed again and again (a third of its time) for no
    garbage; whatever cycles it leaves are collected once it is back on."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _Inputs(NamedTuple):
    """What the rankings are computed from: the accepted applications and their submitted sheets, in
    columns (the applications in the order of `accepted_applications`, the sheets by application)."""

    applications: list[_Applicant]
    ids: np.ndarray
    #: each application's category, as its position among the contest's categories (the last: none)
    category: np.ndarray
    submitted: np.ndarray
    numbers: np.ndarray
    quotas: np.ndarray
    #: each sheet's application (its index in `ids`), expert and weighted total (10^-TOTAL_SCALE points)
    sheet_app: np.ndarray
    sheet_expert: np.ndarray
    sheet_total: np.ndarray
    raw: _PerApplication
    #: the sum of each application's points on the first criterion (the tie-break)
    first_sums: np.ndarray


def _read_inputs(contest: Contest, specs: list[scoring.CriterionSpec], categories: list[Category]) -> _Inputs:
    """The applications and the sheets' totals (two queries), in columns."""
    # plain tuples, not model instances: the page reads the instances of the rows it shows; the order of
    # the submission times, not the times (the tie-break only compares them)
    assigned = (
        Assignment.objects.filter(application=OuterRef("pk"))
        .order_by()
        .values("application")
        .annotate(n=Count("pk"))
        .values("n")
    )
    applications = [
        _Applicant(*values)
        for values in accepted_applications(contest)
        .annotate(
            submitted_order=Window(DenseRank(), order_by=F("submitted_at").asc(nulls_last=True)),
            assigned=Coalesce(Subquery(assigned, output_field=IntegerField()), 0),
        )
        .values_list("pk", "category_id", "number", "submitted_order", "assigned")
    ]
    count = len(applications)
    ids = np.array([a.pk for a in applications], dtype=np.int64)
    code_of: dict[int | None, int] = {c.pk: i for i, c in enumerate(categories)}
    category = np.array([code_of.get(a.category_id, len(categories)) for a in applications], dtype=np.intp)

    columns = _sheet_columns(contest, specs)
    # the index of each sheet's application among the accepted ones
    index = positions(ids, columns[:, 0])
    # the submitted sheets by application (in the applications' order), then by sheet id
    known = index >= 0
    order = np.lexsort((columns[known, 2], index[known]))
    sheet_app = index[known][order]
    sheet_total = columns[known, 3][order]
    return _Inputs(
        applications=applications,
        ids=ids,
        category=category,
        submitted=np.array([a.submitted_order for a in applications], dtype=np.int64),
        numbers=np.array(
            [scoring.NO_NUMBER if a.number is None else a.number for a in applications], dtype=np.int64
        ),
        quotas=np.array([-1 if c.quota is None else c.quota for c in categories] + [-1], dtype=np.int64),
        sheet_app=sheet_app,
        sheet_expert=columns[known, 1][order],
        sheet_total=sheet_total,
        raw=_per_application(sheet_app, sheet_total, count),
        first_sums=np.bincount(sheet_app, weights=columns[known, 4][order], minlength=count)
        .round()
        .astype(np.int64),
    )


def _rank_columns(
    inputs: _Inputs, sheets: _PerApplication, scale: int, threshold: Decimal
) -> scoring.RankedColumns:
    """The ranking rules over sheet totals of `scale` decimals (the raw ones, or the calibrated)."""
    return scoring.rank_columns(
        ids=inputs.ids,
        category=inputs.category,
        submitted=inputs.submitted,
        number=inputs.numbers,
        sheets=sheets.sheets,
        total_sums=sheets.sums,
        minimum=sheets.minimum,
        first_sums=inputs.first_sums,
        scale=scale,
        first_scale=POINTS_SCALE,
        threshold=threshold,
        quotas=inputs.quotas,
    )


@_cyclic_gc_paused()
def _compute(contest: Contest, criteria: list[Criterion], categories: list[Category]) -> Ranking:
    """The rankings computed from the submitted sheets (four queries), in columns (numpy)."""
    inputs = _read_inputs(contest, criterion_specs(criteria), categories)
    applications, ids, category, raw = inputs.applications, inputs.ids, inputs.category, inputs.raw
    sheet_app, sheet_expert, sheet_total = inputs.sheet_app, inputs.sheet_expert, inputs.sheet_total
    count = len(applications)
    threshold = contest.threshold_points
    max_total = contest.max_total
    row_ids = ids.tolist()
    category_ids = [a.category_id for a in applications]

    def rank(sheets: _PerApplication, scale: int) -> list[scoring.RankedRow]:
        return scoring.ranked_rows(
            _rank_columns(inputs, sheets, scale, threshold),
            ids=row_ids,
            category_ids=category_ids,
            sheet_units=sheets.units,
            minimum=sheets.minimum.tolist(),
            maximum=sheets.maximum.tolist(),
            scale=scale,
        )

    raw_rows = cal_rows = rank(raw, TOTAL_SCALE)
    raw_sheets = Sheets.from_keys(sheet_expert, ids[sheet_app], sheet_total / 10**TOTAL_SCALE)
    calibrated_experts: set[Hashable] = set()
    if len(raw_sheets) and max_total > 0:
        cal = calibration.calibrate_columns(
            raw_sheets, (0.0, float(max_total)), min_sheets=max(2, contest.calibration_min_sheets)
        )
        calibrated_experts = {raw_sheets.experts[e] for e in np.flatnonzero(cal.experts).tolist()}
        # calibrated sheet totals are rounded to cents, as the Decimals they were
        cal_rows = rank(_per_application(sheet_app, _cents(cal.sheets), count), 2)
    raw_by_app = {r.application_id: r for r in raw_rows}
    cal_by_app = {r.application_id: r for r in cal_rows}
    official = (
        OfficialRanking.CALIBRATED
        if contest.official_ranking == OfficialRanking.CALIBRATED
        else OfficialRanking.RAW
    )
    ranked = cal_rows if official == OfficialRanking.CALIBRATED else raw_rows

    names = _expert_names([cast("int", pk) for pk in raw_sheets.experts])
    agreement_figures = _agreement(contest, raw_sheets, names, calibrated_experts)
    spreads = {s.application: s for s in agreement.spreads(raw_sheets, float(agreement_figures.threshold))}
    agreement_figures.flagged = sum(1 for s in spreads.values() if s.flagged)

    loaded = RankedApplications(contest, row_ids)
    position = {pk: i for i, pk in enumerate(row_ids)}
    codes = category.tolist()
    groups: list[list[RankingRow]] = [[] for _ in range(len(categories) + 1)]
    for r in ranked:
        i = position[r.application_id]
        groups[codes[i]].append(
            RankingRow(
                application_id=r.application_id,
                result=r,
                assigned=applications[i].assigned,
                submitted=r.sheets,
                raw=raw_by_app[r.application_id],
                calibrated=cal_by_app[r.application_id],
                spread=spreads.get(r.application_id),
                applications=loaded,
            )
        )
    result = [CategoryRanking(category=c, rows=rows) for c, rows in zip(categories, groups, strict=False)]
    if groups[-1]:
        result.append(CategoryRanking(category=None, rows=groups[-1]))
    return Ranking(
        contest=contest,
        criteria=criteria,
        threshold=threshold,
        max_total=max_total,
        categories=result,
        official=official,
        calibrated_experts=len(calibrated_experts),
        agreement=agreement_figures,
        applications=loaded,
    )


# --- the cache --------------------------------------------------------------------------------------------
#
# Computing the ranking of a 10,000-application contest takes seconds; it only changes when a sheet, an
# assignment, an application or the contest's settings change. The computed figures (plain data: ids,
# decimals, the scoring dataclasses; no model instances) are cached under a fingerprint of all of these:
# the contest's `updated_at` and its `RankingVersion` (bumped by the database on every write of its
# applications, assignments, sheets and scores: one row to read whatever the size), and the criteria and
# categories themselves (read anyway, both are small).
# A hit rebuilds the ranking from a small summary (the figures above and around the tables); the rows are
# kept in chunks of `CHUNK` under keys of their own and read when shown (the visible page), and so are the
# applications.

#: bump when the cached structure changes
CACHE_VERSION = 4
#: rows per cached chunk (the page shows 50 rows of a category: one or two chunks)
CHUNK = 100
CACHE_TIMEOUT = 24 * 60 * 60
#: the contest's fields the ranking reads
RANKING_SETTINGS = (
    "threshold_kind",
    "threshold_value",
    "official_ranking",
    "calibration_min_sheets",
    "spread_threshold_percent",
    "score_formula",
)


def ranking_fingerprint(contest: Contest, criteria: list[Criterion], categories: list[Category]) -> str:
    """What the ranking depends on, hashed (one query: the contest's row and its `RankingVersion`, which the
    database bumps on every change of its applications, assignments, sheets and scores)."""
    version = RankingVersion.objects.filter(contest_id=OuterRef("pk")).values("version")[:1]
    state = (
        Contest.objects.filter(pk=contest.pk)
        .annotate(ranking_version=Subquery(version))
        .values_list("updated_at", "ranking_version")
        .first()
    )
    parts = [
        state,
        # the settings as given (a caller may pass a contest changed but not saved yet)
        [getattr(contest, name) for name in RANKING_SETTINGS],
        [(c.pk, c.position, c.max_points, c.weight) for c in criteria],
        [(c.pk, c.position, c.quota) for c in categories],
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _cache_key(contest: Contest, fingerprint: str) -> str:
    return f"expertise:ranking:{CACHE_VERSION}:{contest.pk}:{fingerprint}"


def _chunk_key(key: str, category: int, chunk: int) -> str:
    return f"{key}:rows:{category}:{chunk}"


PlainRow = tuple[int, int, int, Any, Any, Any]


def _to_plain(ranking: Ranking) -> dict[str, Any]:
    """The computed figures of a ranking, without model instances: a summary (everything the page shows
    above and around the tables) and the rows of each category in chunks of `CHUNK`."""
    figures = ranking.agreement
    summary = {
        "threshold": ranking.threshold,
        "max_total": ranking.max_total,
        "official": str(ranking.official),
        "calibrated_experts": ranking.calibrated_experts,
        "ids": [row.application_id for row in ranking.rows],
        "pending": ranking.pending,
        "without_sheets": [row.application_id for row in ranking.rows if row.submitted == 0],
        "categories": [
            (category.category.pk if category.category else None, category.figures)
            for category in ranking.categories
        ],
        "agreement": None
        if figures is None
        else {
            "threshold": figures.threshold,
            "concordance": figures.concordance,
            "experts": figures.experts,
            "applications": figures.applications,
            "icc1": figures.icc1,
            "icc2_1": figures.icc2_1,
            "leniency_count": len(figures.leniency),
            "leniency_kept": [
                _plain_leniency(item) for item in _most_deviating(figures.leniency, LENIENCY_KEPT)
            ],
            "flagged": figures.flagged,
        },
    }
    chunks: list[list[list[PlainRow]]] = []
    for category in ranking.categories:
        rows: list[PlainRow] = [
            (row.application_id, row.assigned, row.submitted, row.raw, row.calibrated, row.spread)
            for row in category.rows
        ]
        chunks.append([rows[start : start + CHUNK] for start in range(0, len(rows), CHUNK)])
    leniency = [_plain_leniency(item) for item in figures.leniency] if figures is not None else []
    return {"summary": summary, "chunks": chunks, "leniency": leniency}


PlainLeniency = tuple[int, str, int, float, float | None, bool]


def _plain_leniency(item: ExpertLeniency) -> PlainLeniency:
    return (item.expert_id, item.name, item.applications, item.mean_deviation, item.se, item.calibrated)


def _leniency_key(key: str) -> str:
    return f"{key}:leniency"


def _store(key: str, plain: dict[str, Any]) -> None:
    entries: dict[str, Any] = {key: plain["summary"], _leniency_key(key): plain["leniency"]}
    for c, chunks in enumerate(plain["chunks"]):
        for n, chunk in enumerate(chunks):
            entries[_chunk_key(key, c, n)] = chunk
    # the rows first: a reader that finds the summary finds its rows (unless the cache evicts them)
    cache.set_many({k: v for k, v in entries.items() if k != key}, CACHE_TIMEOUT)
    cache.set(key, plain["summary"], CACHE_TIMEOUT)


class CachedRows(Sequence[RankingRow]):
    """The rows of one category of a cached ranking, read from the cache a chunk at a time as they are
    needed: the visible page of a 10,000-row category reads one or two chunks, not all of them."""

    def __init__(self, source: _CachedSource, category: int, size: int):
        self.source = source
        self.category = category
        self.size = size
        self.chunks: dict[int, list[RankingRow]] = {}

    def __len__(self) -> int:
        return self.size

    def _read(self, first: int, last: int) -> None:
        wanted = [n for n in range(first, last + 1) if n not in self.chunks]
        if wanted:
            self.chunks.update(self.source.read(self.category, wanted))

    @overload
    def __getitem__(self, index: int) -> RankingRow: ...

    @overload
    def __getitem__(self, index: slice) -> list[RankingRow]: ...

    def __getitem__(self, index: int | slice) -> RankingRow | list[RankingRow]:
        if isinstance(index, slice):
            start, stop, step = index.indices(self.size)
            wanted = range(start, stop, step)
            if not wanted:
                return []
            self._read(min(wanted) // CHUNK, max(wanted) // CHUNK)
            return [self.chunks[i // CHUNK][i % CHUNK] for i in wanted]
        position = index + self.size if index < 0 else index
        if not 0 <= position < self.size:
            raise IndexError(index)
        self._read(position // CHUNK, position // CHUNK)
        return self.chunks[position // CHUNK][position % CHUNK]

    def read_rows(self) -> Iterator[RankingRow]:
        """The rows read so far, in order."""
        for n in sorted(self.chunks):
            yield from self.chunks[n]

    def __iter__(self) -> Iterator[RankingRow]:
        if self.size:
            self._read(0, (self.size - 1) // CHUNK)
        for n in range(0, (self.size - 1) // CHUNK + 1 if self.size else 0):
            yield from self.chunks[n]


class _CachedSource:
    """Reads the chunks of a cached ranking; should the cache have lost one, computes the ranking again
    (and caches it anew) and takes the rows from there."""

    def __init__(
        self, key: str, official: str, applications: RankedApplications, recompute: Callable[[], Ranking]
    ):
        self.key = key
        self.official = official
        self.applications = applications
        self.recompute = recompute
        self.fresh: Ranking | None = None

    def _row(self, plain: PlainRow) -> RankingRow:
        pk, assigned, submitted, raw, calibrated, spread = plain
        return RankingRow(
            application_id=pk,
            result=calibrated if self.official == OfficialRanking.CALIBRATED else raw,
            assigned=assigned,
            submitted=submitted,
            raw=raw,
            calibrated=calibrated,
            spread=spread,
            applications=self.applications,
        )

    def leniency(self) -> list[ExpertLeniency]:
        if self.fresh is None:
            found = cache.get(_leniency_key(self.key))
            if found is not None:
                return [ExpertLeniency(*item) for item in found]
            self.fresh = self.recompute()
        figures = self.fresh.agreement
        return list(figures.leniency) if figures is not None else []

    def read(self, category: int, chunks: list[int]) -> dict[int, list[RankingRow]]:
        if self.fresh is None:
            keys = {n: _chunk_key(self.key, category, n) for n in chunks}
            found = cache.get_many(list(keys.values()))
            if all(key in found for key in keys.values()):
                return {n: [self._row(plain) for plain in found[key]] for n, key in keys.items()}
            self.fresh = self.recompute()
        # (computed afresh, the categories may differ from the summary's if the data changed meanwhile)
        fresh = self.fresh.categories
        rows = list(fresh[category].rows) if category < len(fresh) else []
        for row in rows:
            row.applications = self.applications
        return {n: rows[n * CHUNK : (n + 1) * CHUNK] for n in chunks}


class CachedLeniency(Sequence[ExpertLeniency]):
    """The leniency of every expert of a cached ranking, read from the cache when first iterated (the page
    needs only their number and the most deviating, which the summary keeps)."""

    def __init__(self, source: _CachedSource, size: int):
        self.source = source
        self.size = size
        self.items: list[ExpertLeniency] | None = None

    def __len__(self) -> int:
        return self.size

    def _all(self) -> list[ExpertLeniency]:
        if self.items is None:
            self.items = self.source.leniency()
        return self.items

    @overload
    def __getitem__(self, index: int) -> ExpertLeniency: ...

    @overload
    def __getitem__(self, index: slice) -> list[ExpertLeniency]: ...

    def __getitem__(self, index: int | slice) -> ExpertLeniency | list[ExpertLeniency]:
        return self._all()[index]

    def __iter__(self) -> Iterator[ExpertLeniency]:
        return iter(self._all())


def _from_plain(
    contest: Contest,
    criteria: list[Criterion],
    categories: list[Category],
    summary: dict[str, Any],
    *,
    key: str,
    recompute: Callable[[], Ranking],
) -> Ranking:
    """The ranking rebuilt from its cached summary (no query); the rows are read from the cache under `key`
    as they are used (`recompute` should the cache have lost some)."""
    applications = RankedApplications(contest, summary["ids"])
    official = summary["official"]
    source = _CachedSource(key, official, applications, recompute)
    category_by_id: dict[int | None, Category | None] = {c.pk: c for c in categories}
    rows_of = [
        CategoryRanking(
            category=category_by_id.get(category_id),
            rows=CachedRows(source, index, figures.count),
            summary=figures,
        )
        for index, (category_id, figures) in enumerate(summary["categories"])
    ]
    figures = None
    cached = summary["agreement"]
    if cached is not None:
        figures = Agreement(
            threshold=cached["threshold"],
            concordance=cached["concordance"],
            experts=cached["experts"],
            applications=cached["applications"],
            icc1=cached["icc1"],
            icc2_1=cached["icc2_1"],
            leniency=CachedLeniency(source, cached["leniency_count"]),
            flagged=cached["flagged"],
            kept=[ExpertLeniency(*item) for item in cached["leniency_kept"]],
        )
    return Ranking(
        contest=contest,
        criteria=criteria,
        threshold=summary["threshold"],
        max_total=summary["max_total"],
        categories=rows_of,
        official=official,
        calibrated_experts=summary["calibrated_experts"],
        agreement=figures,
        applications=applications,
        pending_sheets=summary["pending"],
        without_sheets_ids=list(summary["without_sheets"]),
    )


def contest_ranking(contest: Contest) -> Ranking:
    """The proposed rankings from the submitted sheets, with the agreement figures.

    Cached (see above): a miss takes six queries whatever the size, a hit three (plus one for the
    applications when they are shown, and one for the chunks of rows that are used).
    """
    prefetch_related_objects(
        [contest], Prefetch("criteria", queryset=Criterion.objects.order_by("position", "pk"))
    )
    criteria = list(contest.criteria.all())
    categories = list(Category.objects.filter(contest=contest).order_by("position", "pk"))
    key = _cache_key(contest, ranking_fingerprint(contest, criteria, categories))

    def compute() -> Ranking:
        ranking = _compute(contest, criteria, categories)
        _store(key, _to_plain(ranking))
        return ranking

    summary = cache.get(key)
    if summary is not None:
        return _from_plain(contest, criteria, categories, summary, key=key, recompute=compute)
    return compute()
