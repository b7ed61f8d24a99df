"""The result types of a contest's ranking: the rows per category (raw and calibrated), the agreement
of the experts, and the applications read when first shown. `compute.py` fills them from the database;
`cache.py` rebuilds them from the cache."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from novator.contests import scoring
from novator.contests.models import (
    Application,
    Category,
    Contest,
    Criterion,
    OfficialRanking,
)

from .. import agreement
from ..models import Expert
from ..selectors._common import accepted_applications


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


def most_deviating(items: Sequence[ExpertLeniency], limit: int) -> list[ExpertLeniency]:
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
        return most_deviating(pool, limit)

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
            for row in _read_so_far(category.rows)
            if row.application_id in wanted
        ]
        if len(read) == len(wanted):
            return read
        return [row for row in self.rows if row.application_id in wanted]

    def load_applications(self, rows: Iterable[RankingRow]) -> None:
        """Read the applications of these rows at once (one query; none when they are already read)."""
        if self.applications is not None:
            self.applications.load(row.application_id for row in rows)


def _read_so_far(rows: Sequence[RankingRow]) -> Iterable[RankingRow]:
    """The rows already read: all of a list, those of the chunks read of a `CachedRows` (`cache.py`)."""
    read_rows = getattr(rows, "read_rows", None)
    return read_rows() if read_rows is not None else rows
