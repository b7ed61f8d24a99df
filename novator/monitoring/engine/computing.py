"""Pure arithmetic of the index: normalisation against fixed reference bounds, the weighted composite,
medians and ranks. No database here, so the tests can check the numbers directly."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from statistics import median
from typing import Any

#: The share of the total weight an organisation's indicators must cover for its index to be computed.
MIN_COVERAGE = Decimal("0.5")

Q4 = Decimal("0.0001")


def normalise(value: Decimal, *, lower: Decimal, upper: Decimal, higher_is_better: bool = True) -> Decimal:
    """Min-max against fixed reference bounds, clipped to 0…1, flipped when lower is better.

    The bounds are stored with the weights version, not taken from the data of the year, so adding or
    removing an organisation never changes anybody else's score, and the years stay comparable."""
    if upper <= lower:
        share = Decimal(1) if value >= upper else Decimal(0)
    else:
        share = (value - lower) / (upper - lower)
    share = min(Decimal(1), max(Decimal(0), share))
    return share if higher_is_better else Decimal(1) - share


@dataclass(frozen=True)
class Part:
    """One weighted indicator of the index, its numbers as Decimal (as `composite` reads them)."""

    code: str
    weight: Decimal
    lower: Decimal
    upper: Decimal
    higher_is_better: bool


def composite_parts(
    weights: Mapping[str, Mapping[str, Any]], directions: Mapping[str, bool]
) -> tuple[Decimal, list[Part]]:
    """The total weight and the indicators with a positive weight, read once for many `composite_of`."""
    total = sum((Decimal(str(w.get("weight", 0))) for w in weights.values()), Decimal(0))
    parts = []
    for code, spec in weights.items():
        weight = Decimal(str(spec.get("weight", 0)))
        if weight > 0:
            parts.append(
                Part(
                    code,
                    weight,
                    Decimal(str(spec.get("lower", 0))),
                    Decimal(str(spec.get("upper", 1))),
                    directions.get(code, True),
                )
            )
    return total, parts


def composite_of(values: Mapping[str, Decimal | None], total: Decimal, parts: list[Part]) -> Decimal | None:
    """`composite` with the weights read by `composite_parts`."""
    if total <= 0:
        return None
    covered = Decimal(0)
    acc = Decimal(0)
    for part in parts:
        value = values.get(part.code)
        if value is None:
            continue
        norm = normalise(value, lower=part.lower, upper=part.upper, higher_is_better=part.higher_is_better)
        covered += part.weight
        acc += part.weight * norm
    if covered / total < MIN_COVERAGE:
        return None
    return (acc / covered * 100).quantize(Q4)


def composite(
    values: Mapping[str, Decimal | None],
    weights: Mapping[str, Mapping[str, Any]],
    directions: Mapping[str, bool],
) -> Decimal | None:
    """The index, 0…100: Σ wᵢ·normᵢ / Σ wᵢ over the indicators that have a value, None when they
    cover less than MIN_COVERAGE of the total weight."""
    return composite_of(values, *composite_parts(weights, directions))


def median_of(values: Iterable[Decimal]) -> Decimal | None:
    items = sorted(values)
    if not items:
        return None
    return Decimal(str(median(items))).quantize(Q4)


def median_nonempty(values: Iterable[Decimal]) -> Decimal:
    """The median of a group known to have members (a roll-up is made only where values exist)."""
    result = median_of(values)
    assert result is not None
    return result


def ranks(values: Mapping[Any, Decimal], *, higher_is_better: bool = True) -> dict[Any, int]:
    """Competition ranks (1, 2, 2, 4): equal values share a rank."""
    ordered = sorted(values.items(), key=lambda kv: kv[1], reverse=higher_is_better)
    result: dict[Any, int] = {}
    previous: Decimal | None = None
    rank = 0
    for position, (key, value) in enumerate(ordered, start=1):
        if value != previous:
            rank = position
            previous = value
        result[key] = rank
    return result


def contributions(
    values: Mapping[str, Decimal | None],
    weights: Mapping[str, Mapping[str, Any]],
    directions: Mapping[str, bool],
) -> dict[str, Decimal] | None:
    """Each indicator's share of the index, in points: 100 × wᵢ·normᵢ / Σ w (over the covered
    indicators), so that they add up to `composite(...)`. None when the index is not computed."""
    if composite(values, weights, directions) is None:
        return None
    parts: dict[str, Decimal] = {}
    covered = Decimal(0)
    for code, spec in weights.items():
        weight = Decimal(str(spec.get("weight", 0)))
        value = values.get(code)
        if weight <= 0 or value is None:
            continue
        covered += weight
        parts[code] = weight * normalise(
            value,
            lower=Decimal(str(spec.get("lower", 0))),
            upper=Decimal(str(spec.get("upper", 1))),
            higher_is_better=directions.get(code, True),
        )
    return {code: part / covered * 100 for code, part in parts.items()}


def index_change(
    now: Mapping[str, Decimal | None],
    before: Mapping[str, Decimal | None],
    *,
    weights_now: Mapping[str, Mapping[str, Any]],
    weights_before: Mapping[str, Mapping[str, Any]],
    directions: Mapping[str, bool],
) -> dict[str, Decimal] | None:
    """What moved the index: for each indicator, its contribution this year minus last year's (each year
    with the weights it was computed with). The parts add up to the change of the index; None when
    either year has no index."""
    a = contributions(now, weights_now, directions)
    b = contributions(before, weights_before, directions)
    if a is None or b is None:
        return None
    return {code: a.get(code, Decimal(0)) - b.get(code, Decimal(0)) for code in {*a, *b}}
