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

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

CENT = Decimal("0.01")


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


# --- the rules on columns ---------------------------------------------------------------------------------
#
# The rules above computed on integer columns, one entry per application (numpy: a contest of 10,000
# applications ranks in milliseconds). Totals are exact: a sheet total is an integer number of
# 10^-scale points (points have one decimal, weights two: the weighted total of a sheet is a whole number
# of thousandths), and a mean is rounded half-up to cents in integer arithmetic.

NO_NUMBER = 2**63 - 1


def mean_cents(sums: np.ndarray, counts: np.ndarray, scale: int) -> np.ndarray:
    """The means of groups of values given in 10^-scale units (their sums and counts), in cents rounded
    half-up (away from zero) as `mean` rounds; 0 for an empty group."""
    numerator = np.abs(sums) * 10 ** max(0, 2 - scale)
    denominator = np.maximum(counts, 1) * 10 ** max(0, scale - 2)
    return np.sign(sums) * ((2 * numerator + denominator) // (2 * denominator))


@dataclass(frozen=True)
class RankedColumns:
    """The ranking of applications given as columns: `order` lists their indices in table order, category
    by category (in the order of the category codes); the other columns are by application index."""

    order: np.ndarray
    #: competition rank within the category, 0 for no rank
    rank: np.ndarray
    #: the total in cents, meaningful where `sheets` > 0
    total_cents: np.ndarray
    passes: np.ndarray
    proposed: np.ndarray


def rank_columns(
    *,
    ids: np.ndarray,
    category: np.ndarray,
    submitted: np.ndarray,
    number: np.ndarray,
    sheets: np.ndarray,
    total_sums: np.ndarray,
    minimum: np.ndarray,
    first_sums: np.ndarray,
    scale: int,
    first_scale: int,
    threshold: Decimal,
    quotas: np.ndarray,
) -> RankedColumns:
    """Rank every category at once by the rules of the module docstring.

    Per application: `category` a code (index into `quotas`, -1 for no quota), `submitted` a key in the
    order of submission (earlier first, none last), `number` (NO_NUMBER for none), `sheets` how many
    sheets it has, `total_sums` and `minimum` the sum and the smallest of its sheet totals in 10^-scale
    units, `first_sums` the sum of its points on the first criterion in 10^-first_scale units.
    """
    scored = sheets > 0
    totals = np.where(scored, mean_cents(total_sums, sheets, scale), 0)
    first = np.where(scored, mean_cents(first_sums, sheets, first_scale), 0)
    lowest = np.where(scored, minimum, 0)
    order = np.lexsort((ids, number, submitted, -first, -lowest, -totals, ~scored, category))
    n = len(order)
    ordered_category, ordered_totals, ordered_scored = category[order], totals[order], scored[order]
    positions = np.arange(n)
    category_start = np.ones(n, dtype=bool)
    category_start[1:] = ordered_category[1:] != ordered_category[:-1]
    # the first position of each category, and of each run of equal totals ("1224")
    first_of_category = np.maximum.accumulate(np.where(category_start, positions, 0))
    new_total = category_start.copy()
    new_total[1:] |= ordered_totals[1:] != ordered_totals[:-1]
    first_of_total = np.maximum.accumulate(np.where(new_total, positions, 0))
    rank = np.zeros(len(ids), dtype=np.int64)
    rank[order] = np.where(ordered_scored, first_of_total - first_of_category + 1, 0)
    threshold_cents = math.ceil(threshold * 100)
    passes = scored & (totals >= threshold_cents)
    # passing rows come first in their category (highest totals first): the place among them is the place
    place = np.zeros(len(ids), dtype=np.int64)
    place[order] = positions - first_of_category + 1
    quota = quotas[category] if len(quotas) else np.zeros(len(ids), dtype=np.int64) - 1
    proposed = passes & ((quota < 0) | (place <= quota))
    return RankedColumns(order, rank, totals, passes, proposed)


class _Decimals(dict[int, Decimal]):
    """Decimals of integer units at one scale, each made once (a contest repeats the same totals)."""

    def __init__(self, scale: int):
        super().__init__()
        self.scale = scale

    def __missing__(self, units: int) -> Decimal:
        value = self[units] = Decimal(units).scaleb(-self.scale)
        return value


def ranked_rows(
    columns: RankedColumns,
    *,
    ids: Sequence[int],
    category_ids: Sequence[int | None],
    sheet_units: Sequence[Sequence[int]],
    minimum: Sequence[int],
    maximum: Sequence[int],
    scale: int,
    sheet_totals: Sequence[tuple[Decimal, ...]] | None = None,
) -> list[RankedRow]:
    """The `RankedRow`s of a ranking on columns, in table order. `sheet_units` lists the sheet totals of
    each application in 10^-scale units, `minimum` and `maximum` the smallest and the largest of them;
    `sheet_totals` the same as Decimals when the caller has them."""
    cents, units = _Decimals(2), _Decimals(scale)
    rows = []
    rank, totals, passes, proposed = (
        columns.rank.tolist(),
        columns.total_cents.tolist(),
        columns.passes.tolist(),
        columns.proposed.tolist(),
    )
    for i in columns.order.tolist():
        own = sheet_units[i]
        decimals = sheet_totals[i] if sheet_totals is not None else tuple(map(units.__getitem__, own))
        rows.append(
            RankedRow(
                application_id=ids[i],
                category_id=category_ids[i],
                total=cents[totals[i]] if own else None,
                rank=rank[i] or None,
                sheets=len(own),
                min_sheet_total=units[minimum[i]] if own else None,
                max_sheet_total=units[maximum[i]] if own else None,
                passes_threshold=passes[i],
                proposed=proposed[i],
                sheet_totals=decimals,
            )
        )
    return rows
