"""The ranking per category — raw and calibrated side by side — and the agreement of the experts.

`contest_ranking(contest)` reads the submitted sheets once (five queries whatever the size) and ranks the
applications twice with the same rules (`contests/scoring.py`): on the experts' raw totals, and on the
totals calibrated for each expert's leniency (`calibration.py`, experts with at least
`contest.calibration_min_sheets` sheets). `Ranking.categories` is the official one (the contest's
`official_ranking`): the chair confirms it and the minutes print it. The agreement — spread per
application, Kendall's W, ICC and the leniency of each expert (`agreement.py`) — comes from the raw totals.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast

import numpy as np
from django.db.models import Prefetch, prefetch_related_objects
from django.utils.translation import gettext as _

from novator.contests import scoring
from novator.contests.models import Application, Category, Contest, Criterion, OfficialRanking

from .. import agreement, calibration
from ..models import Assignment, Expert
from ._common import SUBMITTED, accepted_applications, criterion_specs

CENT = Decimal("0.01")


@dataclass
class RankingRow:
    application: Application
    #: the official result (raw or calibrated, as the contest decides)
    result: scoring.RankedRow
    assigned: int
    submitted: int
    raw: scoring.RankedRow | None = None
    calibrated: scoring.RankedRow | None = None
    spread: agreement.Spread | None = None

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
    rows: list[RankingRow]

    @property
    def quota(self) -> int | None:
        return self.category.quota if self.category else None

    @property
    def name(self) -> str:
        return self.category.name if self.category else ""

    @property
    def threshold_index(self) -> int:
        """Index of the first scored row below the threshold (where the threshold line is drawn)."""
        for index, row in enumerate(self.rows):
            if row.result.total is not None and not row.result.passes_threshold:
                return index
        return len(self.rows)


@dataclass
class ExpertLeniency:
    expert: Expert
    applications: int
    mean_deviation: float
    se: float | None
    calibrated: bool


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

    def chart(self) -> dict[str, Any]:
        """Data of the leniency chart: names and the mean deviation from the other experts, in points."""
        return {
            "names": [str(item.expert) for item in self.leniency],
            "values": [round(item.mean_deviation, 2) for item in self.leniency],
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

    @property
    def rows(self) -> list[RankingRow]:
        return [row for category in self.categories for row in category.rows]

    @property
    def pending(self) -> int:
        """Sheets assigned but not submitted."""
        return sum(r.assigned - r.submitted for r in self.rows)

    @property
    def without_sheets(self) -> list[Application]:
        return [r.application for r in self.rows if r.submitted == 0]

    @property
    def is_calibrated(self) -> bool:
        return self.official == OfficialRanking.CALIBRATED


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
            by_key[item.expert], item.applications, item.mean_deviation, item.se, item.expert in calibrated
        )
        for item in agreement.leniency(sheets)
        if item.expert in by_key
    ]
    return result


def contest_ranking(contest: Contest) -> Ranking:
    """The proposed rankings from the submitted sheets, with the agreement figures (five queries)."""
    prefetch_related_objects(
        [contest], Prefetch("criteria", queryset=Criterion.objects.order_by("position", "pk"))
    )
    criteria = list(contest.criteria.all())
    specs = criterion_specs(criteria)
    categories = list(Category.objects.filter(contest=contest).order_by("position", "pk"))
    # the texts of the application forms are not shown here (and may be long: 10,000 of them per contest)
    applications = list(accepted_applications(contest).defer("texts", "return_reason", "reject_reason"))
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

    by_id = {a.pk: a for a in applications}
    category_by_id: dict[int | None, Category | None] = {c.pk: c for c in categories}
    category_by_id.setdefault(None, None)
    result = []
    for category_id, rows in ranked.items():
        result.append(
            CategoryRanking(
                category=category_by_id.get(category_id),
                rows=[
                    RankingRow(
                        application=by_id[r.application_id],
                        result=r,
                        assigned=assigned[r.application_id],
                        submitted=r.sheets,
                        raw=raw_by_app[r.application_id],
                        calibrated=cal_by_app[r.application_id],
                        spread=spreads.get(r.application_id),
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
    )
