"""Progress of the programme: results → stages → the programme, as weighted means of fractions 0…1.

Pure functions on numbers, so the rules are easy to test and to explain:

- a result with a planned value P > 0 and an actual value A is done by min(A / P, 1) (an unmeasured
  result counts as 0, an excess does not make up for another result's shortfall);
- a result without a numeric plan (P empty or 0) is done (1) once anything is achieved (A > 0), else 0;
- a stage is the weighted mean of its results; a result of weight 0 is left out; when every weight is
  0 the results count equally; a stage without results has no progress (None) and is left out above;
- the programme is the weighted mean of its stages by the same rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

ZERO, ONE = Decimal(0), Decimal(1)


def result_fraction(planned: Decimal | None, actual: Decimal | None) -> Decimal:
    if actual is None or actual <= 0:
        return ZERO
    if planned is None or planned <= 0:
        return ONE
    return min(actual / planned, ONE)


def weighted_mean(items: Iterable[tuple[Decimal | int | None, Decimal | None]]) -> Decimal | None:
    """The mean of the fractions weighted by the weights; None when there is nothing to average.

    Fractions that are None (a part without progress) are left out; negative or missing weights count
    as 0; if every remaining weight is 0 the parts count equally."""
    parts = [(max(Decimal(w or 0), ZERO), f) for w, f in items if f is not None]
    if not parts:
        return None
    total = sum((w for w, _ in parts), ZERO)
    if total == 0:
        return sum((f for _, f in parts), ZERO) / len(parts)
    return sum((w * f for w, f in parts), ZERO) / total


def percent(fraction: Decimal | None) -> int | None:
    """A fraction as a whole percentage, rounded half up (0.125 → 13)."""
    if fraction is None:
        return None
    return int((fraction * 100).quantize(ONE, rounding=ROUND_HALF_UP))
