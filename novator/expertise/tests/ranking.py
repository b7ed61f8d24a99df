"""The ranking of lists of `ApplicationScores` (one category, or a contest category by category) on
`novator.contests.scoring.rank_columns`, the way the ranking selectors use it on columns read from the
database: the tests of the ranking rules and the references they are compared with call it on plain data.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from novator.contests.scoring import (
    NO_NUMBER,
    CriterionSpec,
    RankedRow,
    SheetScores,
    ordered_criteria,
    rank_columns,
    ranked_rows,
    sheet_total,
)


@dataclass(frozen=True)
class ApplicationScores:
    id: int
    category_id: int | None
    sheets: Sequence[SheetScores]
    number: int | None = None
    submitted_at: datetime.datetime | None = None


_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def timestamp_key(moment: datetime.datetime | None) -> int:
    """Microseconds since the epoch (the latest possible for no moment): the order of the datetimes."""
    if moment is None:
        return NO_NUMBER
    return (moment - _EPOCH) // datetime.timedelta(microseconds=1)


def _scale(values: Iterable[Decimal]) -> int:
    """The fewest decimal places that hold all these values exactly."""
    return max((max(0, -int(v.as_tuple().exponent)) for v in values if v.is_finite()), default=0)


def _units(value: Decimal, scale: int) -> int:
    return int(value.scaleb(scale))


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
    applications = list(applications)
    criteria = ordered_criteria(criteria)
    first = criteria[0] if criteria else None
    totals = [
        tuple(sheet_totals.get(app.id, ()))
        if sheet_totals is not None
        else tuple(sheet_total(s.points, criteria) for s in app.sheets)
        for app in applications
    ]
    firsts = [
        [Decimal(s.points.get(first.id) or 0) for s in app.sheets] if first is not None else []
        for app in applications
    ]
    scale = _scale(Decimal(t) for own in totals for t in own)
    first_scale = _scale(p for own in firsts for p in own)
    units = [[_units(Decimal(t), scale) for t in own] for own in totals]
    count = len(applications)
    columns = rank_columns(
        ids=np.array([app.id for app in applications], dtype=np.int64),
        category=np.zeros(count, dtype=np.intp),
        submitted=np.array([timestamp_key(app.submitted_at) for app in applications], dtype=np.int64),
        number=np.array(
            [NO_NUMBER if app.number is None else app.number for app in applications], dtype=np.int64
        ),
        sheets=np.array([len(own) for own in units], dtype=np.int64),
        total_sums=np.array([sum(own) for own in units], dtype=np.int64),
        minimum=np.array([min(own, default=0) for own in units], dtype=np.int64),
        first_sums=np.array([sum(_units(p, first_scale) for p in own) for own in firsts], dtype=np.int64),
        scale=scale,
        first_scale=first_scale,
        threshold=threshold,
        quotas=np.array([-1 if quota is None else quota], dtype=np.int64),
    )
    return ranked_rows(
        columns,
        ids=[app.id for app in applications],
        category_ids=[app.category_id for app in applications],
        sheet_units=units,
        minimum=[min(own, default=0) for own in units],
        maximum=[max(own, default=0) for own in units],
        scale=scale,
        sheet_totals=totals,
    )


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
