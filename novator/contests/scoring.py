"""The arithmetic of the expertise: sheet totals, application totals, ranking and proposed winners.

Pure functions on plain data (no ORM), so `contests` never imports `expertise`: the expertise app's
selectors read the database and hand the numbers in.

**Totals.** The weighted total of one scoring sheet is Σ points × weight over the criteria. The total of an
application is the arithmetic mean of the weighted totals of its *submitted* sheets, rounded half-up to
2 decimals (`Decimal`). An application without a submitted sheet has no total and no rank.

**Order within a category** (the tie-break, applied in this sequence):

1. higher total;
2. higher minimum sheet total (the application no expert rated low wins);
3. higher mean points on the first criterion by position;
4. earlier submission of the application;
5. lower application number (then lower id, so the order is total).

**Rank** is *competition ranking* ("1224") by total only: applications with equal totals share a rank and
the next rank skips (1, 2, 2, 4). The tie-break above decides the order in the table and who takes the
last place within a quota; the chair may override that proposal with a recorded reason.

**Proposed winners**: in tie-break order, applications whose total is at least the threshold, up to the
category's quota (no quota: every application at or above the threshold).

**Calibrated ranking**: the same rules on sheet totals corrected for each expert's leniency
(`novator.expertise.calibration`); the caller passes them as `sheet_totals`, by application id.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
_FAR_FUTURE = datetime.datetime.max.replace(tzinfo=datetime.UTC)


@dataclass(frozen=True)
class CriterionSpec:
    id: int
    position: int
    max_points: Decimal
    weight: Decimal


@dataclass(frozen=True)
class SheetScores:
    """The points of one submitted sheet by criterion id (a missing criterion counts as 0)."""

    points: Mapping[int, Decimal]
    sheet_id: int | None = None


@dataclass(frozen=True)
class ApplicationScores:
    id: int
    category_id: int | None
    sheets: Sequence[SheetScores]
    number: int | None = None
    submitted_at: datetime.datetime | None = None


@dataclass(frozen=True)
class RankedRow:
    application_id: int
    category_id: int | None
    total: Decimal | None
    rank: int | None
    sheets: int
    min_sheet_total: Decimal | None
    max_sheet_total: Decimal | None
    passes_threshold: bool
    proposed: bool
    sheet_totals: tuple[Decimal, ...] = field(default_factory=tuple)

    @property
    def spread(self) -> Decimal | None:
        if self.min_sheet_total is None or self.max_sheet_total is None:
            return None
        return self.max_sheet_total - self.min_sheet_total


def ordered_criteria(criteria: Iterable[CriterionSpec]) -> list[CriterionSpec]:
    return sorted(criteria, key=lambda c: (c.position, c.id))


def max_total(criteria: Iterable[CriterionSpec]) -> Decimal:
    return sum((c.max_points * c.weight for c in criteria), Decimal(0))


def sheet_total(points: Mapping[int, Decimal], criteria: Iterable[CriterionSpec]) -> Decimal:
    """Σ points × weight over the criteria (unscored criteria count as 0)."""
    return sum((Decimal(points.get(c.id) or 0) * c.weight for c in criteria), Decimal(0))


def mean(values: Sequence[Decimal]) -> Decimal | None:
    """The arithmetic mean rounded half-up to 2 decimals, or None for no values."""
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(CENT, rounding=ROUND_HALF_UP)


def application_total(sheets: Sequence[SheetScores], criteria: Iterable[CriterionSpec]) -> Decimal | None:
    criteria = list(criteria)
    return mean([sheet_total(s.points, criteria) for s in sheets])


def _sort_key(
    app: ApplicationScores, total: Decimal | None, minimum: Decimal | None, first: Decimal | None
) -> tuple[object, ...]:
    # Applications without a total go last; within each group the tie-break of the module docstring.
    return (
        total is None,
        -(total or 0),
        -(minimum or 0),
        -(first or 0),
        app.submitted_at or _FAR_FUTURE,
        app.number if app.number is not None else 2**63,
        app.id,
    )


def competition_ranks(totals: Sequence[Decimal | None]) -> list[int | None]:
    """Ranks "1224" for totals already sorted in descending order (None: no rank)."""
    ranks: list[int | None] = []
    previous: Decimal | None = None
    current = 0
    for position, total in enumerate(totals, start=1):
        if total is None:
            ranks.append(None)
            continue
        if previous is None or total != previous:
            current = position
        ranks.append(current)
        previous = total
    return ranks


def rank_category(
    applications: Iterable[ApplicationScores],
    criteria: Iterable[CriterionSpec],
    *,
    threshold: Decimal,
    quota: int | None,
    sheet_totals: Mapping[int, Sequence[Decimal]] | None = None,
) -> list[RankedRow]:
    """Rank the applications of one category; rows come in the order of the tie-break.

    `sheet_totals` (by application id) replaces the totals computed from the points, e.g. calibrated
    ones; the tie-break on the first criterion still uses the points."""
    criteria = ordered_criteria(criteria)
    first = criteria[0] if criteria else None
    prepared = []
    for app in applications:
        if sheet_totals is not None:
            totals = tuple(sheet_totals.get(app.id, ()))
        else:
            totals = tuple(sheet_total(s.points, criteria) for s in app.sheets)
        total = mean(list(totals))
        minimum = min(totals) if totals else None
        first_mean = (
            mean([Decimal(s.points.get(first.id) or 0) for s in app.sheets]) if first and app.sheets else None
        )
        prepared.append((_sort_key(app, total, minimum, first_mean), app, totals, total))
    prepared.sort(key=lambda item: item[0])
    ranks = competition_ranks([item[3] for item in prepared])
    rows: list[RankedRow] = []
    winners = 0
    for (_key, app, totals, total), rank in zip(prepared, ranks, strict=True):
        passes = total is not None and total >= threshold
        proposed = passes and (quota is None or winners < quota)
        if proposed:
            winners += 1
        rows.append(
            RankedRow(
                application_id=app.id,
                category_id=app.category_id,
                total=total,
                rank=rank,
                sheets=len(totals),
                min_sheet_total=min(totals) if totals else None,
                max_sheet_total=max(totals) if totals else None,
                passes_threshold=passes,
                proposed=proposed,
                sheet_totals=totals,
            )
        )
    return rows


def rank_contest(
    applications: Iterable[ApplicationScores],
    criteria: Iterable[CriterionSpec],
    *,
    threshold: Decimal,
    quotas: Mapping[int | None, int | None],
    sheet_totals: Mapping[int, Sequence[Decimal]] | None = None,
) -> dict[int | None, list[RankedRow]]:
    """Rank each category separately. `quotas` maps category id (None: no category) to its quota;
    `sheet_totals` as for `rank_category`."""
    criteria = list(criteria)
    by_category: dict[int | None, list[ApplicationScores]] = {key: [] for key in quotas}
    for app in applications:
        by_category.setdefault(app.category_id, []).append(app)
    return {
        category_id: rank_category(
            apps, criteria, threshold=threshold, quota=quotas.get(category_id), sheet_totals=sheet_totals
        )
        for category_id, apps in by_category.items()
    }
