"""The ranking per category — raw and calibrated side by side — and the agreement of the experts.

`contest_ranking(contest)` reads the submitted sheets once (five queries whatever the size) and ranks the
applications twice with the same rules (`contests/scoring.py`): on the experts' raw totals, and on the
totals calibrated for each expert's leniency (`calibration.py`, experts with at least
`contest.calibration_min_sheets` sheets). `Ranking.categories` is the official one (the contest's
`official_ranking`): the chair confirms it and the minutes print it. The agreement — spread per
application, Kendall's W, ICC and the leniency of each expert (`agreement.py`) — comes from the raw totals.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple, cast, overload

import numpy as np
from django.core.cache import cache
from django.db.models import (
    CharField,
    Count,
    Max,
    OuterRef,
    Prefetch,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext as _

from novator.contests import scoring
from novator.contests.models import Application, Category, Contest, Criterion, OfficialRanking

from .. import agreement, calibration
from ..models import Assignment, Expert
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


@dataclass
class Agreement:
    """How much the experts agree (from the raw totals of the submitted sheets)."""

    threshold: Decimal
    concordance: agreement.Concordance
    experts: int
    applications: int
    icc1: float | None = None
    icc2_1: float | None = None
    leniency: list[ExpertLeniency] = field(default_factory=list)
    flagged: int = 0

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

    def chart(self, items: list[ExpertLeniency] | None = None) -> dict[str, Any]:
        """Data of the leniency chart: names and the mean deviation from the other experts, in points (of
        the given experts, else of all)."""
        items = self.leniency if items is None else items
        return {
            "names": [item.name for item in items],
            "values": [round(item.mean_deviation, 2) for item in items],
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


def _decimal(value: float) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def _agreement(
    contest: Contest,
    sheets: list[tuple[int, int, float]],
    experts: dict[int, Expert],
    calibrated: set[Hashable],
) -> Agreement:
    threshold = contest.spread_threshold
    concordance = agreement.concordance(sheets)
    result = Agreement(
        threshold=threshold,
        concordance=concordance,
        experts=len({e for e, _a, _t in sheets}),
        applications=len({a for _e, a, _t in sheets}),
        icc1=agreement.icc1_oneway(sheets),
    )
    if concordance.w is not None and len(concordance.experts) >= 2 and len(concordance.applications) >= 2:
        totals: dict[tuple[Hashable, Hashable], float] = {(e, a): t for e, a, t in sheets}
        block = np.array([[totals[(e, a)] for e in concordance.experts] for a in concordance.applications])
        result.icc2_1 = agreement.icc(block)["icc2_1"]
    by_key = cast("dict[Hashable, Expert]", experts)  # the sheets name experts by their int ids
    result.leniency = [
        ExpertLeniency(
            by_key[item.expert].pk,
            str(by_key[item.expert]),
            item.applications,
            item.mean_deviation,
            item.se,
            item.expert in calibrated,
            loaded=by_key[item.expert],
        )
        for item in agreement.leniency(sheets)
        if item.expert in by_key
    ]
    return result


class _Applicant(NamedTuple):
    pk: int
    category_id: int | None
    number: int | None
    submitted_at: datetime.datetime | None


def _compute(contest: Contest, criteria: list[Criterion], categories: list[Category]) -> Ranking:
    """The rankings computed from the submitted sheets (three queries)."""
    specs = criterion_specs(criteria)
    # the texts of the application forms are not shown here (and may be long: 10,000 of them per contest)
    # plain tuples, not model instances: the page reads the instances of the rows it shows
    applications = [
        _Applicant(*values)
        for values in accepted_applications(contest).values_list(
            "pk", "category_id", "number", "submitted_at"
        )
    ]
    assigned: dict[int, int] = defaultdict(int)
    submitted_sheets: dict[int, list[tuple[int, int]]] = defaultdict(list)  # app → [(sheet, expert)]
    points: dict[int, dict[int, Decimal]] = defaultdict(dict)
    # One pass over plain tuples (no model instances: 50,000 sheets would build 200,000 of them): every
    # assignment with its sheet and the sheet's scores (LEFT JOINs, so one row per score, or one row for
    # an assignment without a sheet or a sheet without scores).
    previous: int | None = None  # the rows come by assignment
    for assignment_id, application_id, expert_id, sheet_id, state, criterion_id, value in (
        Assignment.objects.filter(application__contest=contest)
        .order_by("pk")
        .values_list(
            "pk",
            "application_id",
            "expert_id",
            "sheet__id",
            "sheet__state",
            "sheet__scores__criterion_id",
            "sheet__scores__points",
        )
        .iterator(chunk_size=5000)
    ):
        if assignment_id != previous:
            previous = assignment_id
            assigned[application_id] += 1
            if sheet_id is not None and state == SUBMITTED:
                submitted_sheets[application_id].append((sheet_id, expert_id))
        if state == SUBMITTED and criterion_id is not None and value is not None:
            points[sheet_id][criterion_id] = value
    experts: dict[int, Expert] = {
        expert.pk: expert
        for expert in Expert.objects.filter(
            pk__in=Assignment.objects.filter(application__contest=contest, sheet__state=SUBMITTED).values(
                "expert_id"
            )
        ).select_related("user")
    }
    data = []
    raw_sheets: list[tuple[int, int, float]] = []
    raw_totals: dict[int, list[Decimal]] = {}  # the sheet totals, computed once for both uses
    for a in applications:
        sheets = sorted(submitted_sheets[a.pk])
        data.append(
            scoring.ApplicationScores(
                id=a.pk,
                category_id=a.category_id,
                number=a.number,
                submitted_at=a.submitted_at,
                sheets=tuple(scoring.SheetScores(points[s], s) for s, _e in sheets),
            )
        )
        totals = raw_totals[a.pk] = [scoring.sheet_total(points[s], specs) for s, _e in sheets]
        raw_sheets += [(e, a.pk, float(t)) for (_s, e), t in zip(sheets, totals, strict=True)]
    quotas: dict[int | None, int | None] = {c.pk: c.quota for c in categories}
    if not categories or any(a.category_id is None for a in applications):
        quotas[None] = None
    threshold = contest.threshold_points
    max_total = contest.max_total

    calibrated_totals: dict[int, list[Decimal]] | None = None
    calibrated_experts: set[Hashable] = set()
    if raw_sheets and max_total > 0:
        calibrated_totals = defaultdict(list)
        cal = calibration.calibrate(
            raw_sheets, (0.0, float(max_total)), min_sheets=max(2, contest.calibration_min_sheets)
        )
        calibrated_experts = cal.calibrated_experts
        for a in applications:
            for _sheet, e in sorted(submitted_sheets[a.pk]):
                calibrated_totals[a.pk].append(_decimal(cal.calibrated_sheets[(e, a.pk)]))
    raw = scoring.rank_contest(data, specs, threshold=threshold, quotas=quotas, sheet_totals=raw_totals)
    calibrated = scoring.rank_contest(
        data, specs, threshold=threshold, quotas=quotas, sheet_totals=calibrated_totals
    )
    raw_by_app = {r.application_id: r for rows in raw.values() for r in rows}
    cal_by_app = {r.application_id: r for rows in calibrated.values() for r in rows}
    official = (
        OfficialRanking.CALIBRATED
        if contest.official_ranking == OfficialRanking.CALIBRATED
        else OfficialRanking.RAW
    )
    ranked = calibrated if official == OfficialRanking.CALIBRATED else raw

    agreement_figures = _agreement(contest, raw_sheets, experts, calibrated_experts)
    spreads = {s.application: s for s in agreement.spreads(raw_sheets, float(agreement_figures.threshold))}
    agreement_figures.flagged = sum(1 for s in spreads.values() if s.flagged)

    by_id = RankedApplications(contest, [a.pk for a in applications])
    category_by_id: dict[int | None, Category | None] = {c.pk: c for c in categories}
    category_by_id.setdefault(None, None)
    result = []
    for category_id, rows in ranked.items():
        result.append(
            CategoryRanking(
                category=category_by_id.get(category_id),
                rows=[
                    RankingRow(
                        application_id=r.application_id,
                        result=r,
                        assigned=assigned[r.application_id],
                        submitted=r.sheets,
                        raw=raw_by_app[r.application_id],
                        calibrated=cal_by_app[r.application_id],
                        spread=spreads.get(r.application_id),
                        applications=by_id,
                    )
                    for r in rows
                ],
            )
        )
    return Ranking(
        contest=contest,
        criteria=criteria,
        threshold=threshold,
        max_total=max_total,
        categories=[c for c in result if c.rows or c.category is not None],
        official=official,
        calibrated_experts=len(calibrated_experts),
        agreement=agreement_figures,
        applications=by_id,
    )


# --- the cache --------------------------------------------------------------------------------------------
#
# Computing the ranking of a 10,000-application contest takes seconds; it only changes when a sheet, an
# assignment, an application or the contest's settings change. The computed figures (plain data: ids,
# decimals, the scoring dataclasses; no model instances) are cached under a fingerprint of all of these:
# the contest's `updated_at`, the count and the latest `updated_at` of its applications, assignments and
# sheets (one aggregate query), and the criteria and categories themselves (read anyway, both are small).
# A hit rebuilds the ranking from a small summary (the figures above and around the tables); the rows are
# kept in chunks of `CHUNK` under keys of their own and read when shown (the visible page), and so are the
# applications.

#: bump when the cached structure changes
CACHE_VERSION = 3
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


def _text(expression: Any) -> Cast:
    return Cast(expression, output_field=CharField())


def _signature(queryset: Any, contest_field: str, *figures: Any) -> Subquery:
    """The given aggregates of the rows as one text (grouped by their contest: one group)."""
    parts: list[Any] = []
    for figure in figures:
        parts += [_text(figure), Value("|")]
    return Subquery(
        queryset.order_by()
        .values(contest_field)
        .annotate(signature=Concat(*parts[:-1]))
        .values("signature")[:1]
    )


def ranking_fingerprint(contest: Contest, criteria: list[Criterion], categories: list[Category]) -> str:
    """What the ranking depends on, hashed (one query: the contest's row, then the count and the latest
    change of its applications, and of its assignments with their sheets in one pass of the join)."""
    applications = _signature(
        Application.objects.filter(contest=OuterRef("pk")), "contest", Count("pk"), Max("updated_at")
    )
    assignments = _signature(
        Assignment.objects.filter(application__contest=OuterRef("pk")),
        "application__contest",
        Count("pk"),
        Max("updated_at"),
        Count("sheet"),
        Max("sheet__updated_at"),
    )
    state = (
        Contest.objects.filter(pk=contest.pk)
        .annotate(applications_signature=applications, assignments_signature=assignments)
        .values_list("updated_at", "applications_signature", "assignments_signature")
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
            "leniency": [
                (item.expert_id, item.name, item.applications, item.mean_deviation, item.se, item.calibrated)
                for item in figures.leniency
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
    return {"summary": summary, "chunks": chunks}


def _store(key: str, plain: dict[str, Any]) -> None:
    entries: dict[str, Any] = {key: plain["summary"]}
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
            positions = range(start, stop, step)
            if not positions:
                return []
            self._read(min(positions) // CHUNK, max(positions) // CHUNK)
            return [self.chunks[i // CHUNK][i % CHUNK] for i in positions]
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
            leniency=[
                ExpertLeniency(pk, name, n, deviation, se, calibrated)
                for pk, name, n, deviation, se, calibrated in cached["leniency"]
            ],
            flagged=cached["flagged"],
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
