"""Column arithmetic of the recomputation: the values of one data element or indicator for many
organisations as one numpy array of scaled integers (value × 10⁴, `MISSING` where there is none), so that
the indicators, the index, the ranks and the medians of 85,000 organisations are a few array operations
instead of 85,000 Decimal computations. Pure: no database.

The results are exactly those of the Decimal arithmetic (`formula.indicator_value`, `computing.composite`,
`computing.median_of`, `computing.ranks`). The float computation carries a bound on its distance from the
exact value (which bounds Decimal's 28-digit result too); where that bound cannot decide the rounding to
four places — a result within the bound of a half of 0.0001, a divisor that may or may not be zero, a
huge value — the row is computed again with the Decimal functions. In practice that is a handful of rows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from novator.core.arrays import first_seen

from . import computing, formula

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]

#: Values are stored as value × SCALE (four decimal places, like the model fields).
SCALE = 10_000
#: No value.
MISSING = -(2**63)
#: The value does not fit 64 bits: it is kept as a Decimal beside the array (never in practice).
OUTSIDE = 2**63 - 1
#: Below this (in scaled units) a float holds every half-unit exactly, and sums of two values fit 64 bits.
EXACT_LIMIT = 2**52
#: Relative rounding of one operation, covering both float64 (2⁻⁵³) and Decimal's 28 digits, with room.
_ROUNDING = 2.0**-52


def scaled_of(value: Decimal) -> int:
    """value × 10⁴ as an integer (value already has at most four places), or OUTSIDE."""
    scaled = int(value.scaleb(4))
    return scaled if MISSING < scaled < OUTSIDE else OUTSIDE


def decimal_of(scaled: int) -> Decimal:
    """The Decimal of a scaled integer, as the model field gives it back (four places: 1.5000)."""
    return Decimal(scaled).scaleb(-4)


@dataclass
class Chunk:
    """Results for consecutive organisations: scaled integers, and the Decimal of every OUTSIDE row."""

    scaled: Ints
    outside: dict[int, Decimal] = field(default_factory=dict)

    def decimal(self, row: int) -> Decimal | None:
        scaled = int(self.scaled[row])
        if scaled == MISSING:
            return None
        if scaled == OUTSIDE:
            return self.outside[row]
        return decimal_of(scaled)

    def put(self, row: int, value: Decimal | None) -> None:
        if value is None:
            self.scaled[row] = MISSING
            return
        scaled = scaled_of(value)
        self.scaled[row] = scaled
        if scaled == OUTSIDE:
            self.outside[row] = value


# --- floats with an error bound -----------------------------------------------------------------------


@dataclass
class _Approx:
    """A float column with, per row, a bound on its distance from the exact value (`error`), whether the
    Decimal computation gives a value at all (`defined`) and whether floats cannot tell (`unsure`)."""

    value: Floats
    error: Floats
    defined: Bools
    unsure: Bools

    @staticmethod
    def constant(number: Decimal, size: int) -> _Approx:
        value = float(number)
        return _Approx(
            np.full(size, value),
            np.full(size, 0.0 if Decimal(value) == number else _ROUNDING * abs(value)),
            np.ones(size, dtype=bool),
            np.zeros(size, dtype=bool),
        )

    @staticmethod
    def column(scaled: Ints) -> _Approx:
        defined = scaled != MISSING
        value = np.where(defined, scaled, 0) / SCALE
        # the division by 10⁴ rounds once (twice past 2⁵³ where the integer itself is rounded to a float)
        return _Approx(value, 2 * _ROUNDING * np.abs(value), defined, scaled == OUTSIDE)

    @staticmethod
    def _rounded(value: Floats, error: Floats) -> Floats:
        return error + _ROUNDING * (np.abs(value) + error)

    def _both(self, other: _Approx, value: Floats, error: Floats) -> _Approx:
        return _Approx(
            value,
            self._rounded(value, error),
            self.defined & other.defined,
            self.unsure | other.unsure,
        )

    def __add__(self, other: _Approx) -> _Approx:
        return self._both(other, self.value + other.value, self.error + other.error)

    def __sub__(self, other: _Approx) -> _Approx:
        return self._both(other, self.value - other.value, self.error + other.error)

    def __mul__(self, other: _Approx) -> _Approx:
        error = (np.abs(self.value) + self.error) * other.error + np.abs(other.value) * self.error
        return self._both(other, self.value * other.value, error)

    def __truediv__(self, other: _Approx) -> _Approx:
        magnitude = np.abs(other.value)
        surely_zero = (other.value == 0) & (other.error == 0)
        surely_not = magnitude > other.error
        divisor = np.where(surely_not, other.value, 1.0)
        value = np.where(surely_not, self.value / divisor, 0.0)
        slack = np.where(surely_not, magnitude * (magnitude - other.error), 1.0)
        error = np.where(surely_not, (self.error * magnitude + np.abs(self.value) * other.error) / slack, 0.0)
        result = self._both(other, value, error)
        result.defined &= ~surely_zero  # Decimal: a zero divisor gives no value
        result.unsure |= ~surely_zero & ~surely_not
        return result

    def __neg__(self) -> _Approx:
        return _Approx(-self.value, self.error, self.defined, self.unsure)

    def clipped(self) -> _Approx:
        """min(1, max(0, x)): moves nothing farther apart, so the bound holds."""
        return _Approx(np.clip(self.value, 0.0, 1.0), self.error, self.defined, self.unsure)

    def quantized(self) -> tuple[Ints, Bools, Bools]:
        """(value × 10⁴ rounded half to even as Decimal's quantize does, defined, unsure)."""
        scaled = self.value * SCALE
        error = self._rounded(scaled, self.error * SCALE)
        fraction = np.abs(scaled - np.floor(scaled) - 0.5)
        # both the float and Decimal's result lie within `error` of the exact value: no half-unit between
        clear = (fraction > 2 * error) | (error == 0)
        unsure = self.unsure | ~np.isfinite(scaled) | ~np.isfinite(error)
        unsure |= ~clear | (np.abs(np.nan_to_num(scaled)) >= EXACT_LIMIT)
        rounded = np.where(self.defined & ~unsure, np.rint(np.nan_to_num(scaled)), 0).astype(np.int64)
        return rounded, self.defined, unsure


def _evaluate(node: Any, inputs: Mapping[str, Ints], size: int) -> _Approx:
    """formula._eval over columns (the syntax tree was checked by formula.parse)."""
    import ast

    if isinstance(node, ast.Constant):
        return _Approx.constant(Decimal(str(node.value)), size)
    if isinstance(node, ast.Name):
        scaled = inputs.get(node.id)
        if scaled is None:
            scaled = np.full(size, MISSING, dtype=np.int64)
        return _Approx.column(scaled)
    if isinstance(node, ast.UnaryOp):
        operand = _evaluate(node.operand, inputs, size)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp):
        left, right = _evaluate(node.left, inputs, size), _evaluate(node.right, inputs, size)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        return left / right
    raise ValueError(f"unexpected node {node!r}")  # formula.parse lets nothing else through


def _finish(approx: _Approx, exact: Any, keys: Ints, decided: tuple[Bools, Ints] | None = None) -> Chunk:
    """The quantized column; rows the floats cannot decide are taken from `decided` (where it knows
    them: a mask and the scaled values) or are `exact(row)` (a Decimal or None), once for each distinct
    combination of inputs (`keys`, one row of inputs per column)."""
    scaled, defined, unsure = approx.quantized()
    if decided is not None:
        known, values = decided
        taken = unsure & known
        scaled = np.where(taken, values, scaled)
        unsure = unsure & ~taken
    chunk = Chunk(np.where(defined & ~unsure, scaled, MISSING).astype(np.int64))
    rows = np.flatnonzero(defined & unsure)
    if rows.size:
        _distinct, first, which = np.unique(keys[:, rows], axis=1, return_index=True, return_inverse=True)
        answers = [exact(int(rows[f])) for f in first.tolist()]
        for row, answer in zip(rows.tolist(), which.ravel().tolist(), strict=True):
            chunk.put(row, answers[answer])
    return chunk


def indicator_column(
    *, numerator: str, denominator: str, factor: Decimal, inputs: Mapping[str, Ints], size: int
) -> Chunk:
    """`formula.indicator_value(...)` quantized to four places for every row of `inputs` ({element code:
    scaled values}); the same values, row by row."""
    if not numerator.strip():
        return Chunk(np.full(size, MISSING, dtype=np.int64))
    top = _evaluate(formula.parse(numerator).body, inputs, size)
    if denominator.strip():
        bottom = _evaluate(formula.parse(denominator).body, inputs, size)
    else:
        bottom = _Approx.constant(Decimal(1), size)
    approx = top / bottom * _Approx.constant(factor, size)

    def exact(row: int) -> Decimal | None:
        values = {
            code: (decimal_of(int(s[row])) if s[row] != MISSING else None) for code, s in inputs.items()
        }
        result = formula.indicator_value(
            numerator=numerator, denominator=denominator, factor=factor, values=values
        )
        return None if result is None else result.quantize(computing.Q4)

    keys = np.stack(list(inputs.values())) if inputs else np.zeros((1, size), dtype=np.int64)
    return _finish(approx, exact, keys)


def composite_column(
    values: Mapping[str, Chunk],
    weights: Mapping[str, Mapping[str, Any]],
    directions: Mapping[str, bool],
    size: int,
) -> Chunk:
    """`computing.composite(...)` for every row of `values` ({indicator code: its chunk}); the same values."""

    missing = Chunk(np.full(size, MISSING, dtype=np.int64))
    total, parts = computing.composite_parts(weights, directions)
    if total <= 0 or not parts:
        return missing
    chunks = [values.get(part.code, missing) for part in parts]

    def exact(row: int) -> Decimal | None:
        held = {part.code: chunk.decimal(row) for part, chunk in zip(parts, chunks, strict=True)}
        return computing.composite_of(held, total, parts)

    specs = [
        (chunk, part.weight, part.lower, part.upper, part.higher_is_better)
        for part, chunk in zip(parts, chunks, strict=True)
    ]
    present = np.stack([chunk.scaled != MISSING for chunk in chunks], axis=1)
    # the coverage depends only on which indicators are present: decide it with Decimal per pattern
    patterns, which = np.unique(present, axis=0, return_inverse=True)
    covered_of = [sum((s[1] for s, here in zip(specs, p, strict=True) if here), Decimal(0)) for p in patterns]
    enough = np.array([covered / total >= computing.MIN_COVERAGE for covered in covered_of], dtype=bool)
    covered = _Approx(
        np.array([float(c) for c in covered_of])[which.ravel()],
        np.array([_ROUNDING * float(c) for c in covered_of])[which.ravel()],
        enough[which.ravel()],
        np.zeros(size, dtype=bool),
    )
    zero = _Approx.constant(Decimal(0), size)
    one = _Approx.constant(Decimal(1), size)
    acc = zero
    for chunk, weight, lower, upper, better in specs:
        value = _Approx.column(chunk.scaled)
        if upper <= lower:  # refused by index_weights_change; let Decimal decide such rows
            value.unsure |= value.defined
        share = (value - _Approx.constant(lower, size)) / (
            _Approx.constant(upper, size) - _Approx.constant(lower, size)
        )
        norm = share.clipped()
        if not better:
            norm = one - norm
        term = _Approx.constant(weight, size) * norm
        here = value.defined
        total_value = acc.value + np.where(here, term.value, 0.0)
        acc = _Approx(
            total_value,
            _Approx._rounded(total_value, acc.error + np.where(here, term.error, 0.0)),
            acc.defined,
            acc.unsure | (here & term.unsure),
        )
    index = acc / covered * _Approx.constant(Decimal(100), size)
    index.defined = covered.defined
    if any(chunk.outside for chunk in chunks):  # the marker is not the value: no sharing of answers
        keys = np.arange(size, dtype=np.int64)[np.newaxis, :]
    else:
        keys = np.stack([chunk.scaled for chunk in chunks])
    return _finish(index, exact, keys, _composite_in_integers(parts, chunks))


def _places(number: Decimal) -> int:
    exponent = number.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 99


#: the most decimal places of a normalised value (a share a/D, D = 2^x·5^y) taken as exact: with weights
#: of up to six places and a million, the products and sums stay well inside Decimal's 28 digits
_SHARE_PLACES = 12
#: products in `_composite_in_integers` stay below this (int64, with room)
_INT_LIMIT = 2**62


def _composite_in_integers(parts: list[computing.Part], chunks: list[Chunk]) -> tuple[Bools, Ints] | None:
    """The index × 10⁴ rounded half to even, computed in integers: for the rows the floats leave
    undecided — above all the exact halves at the fifth place, which are common (a share of a hundred
    with weight 2 out of 4 is a multiple of 0.00005) — without going back to Decimal row by row.

    With every value, bound and weight an integer at a common scale, the index is the fraction
    100·Σ wᵢ·aᵢ/Dᵢ / Σ wᵢ (aᵢ = the value's distance from the lower bound, clipped to 0…Dᵢ, the span),
    rounded half to even exactly. Decimal computes the same fraction to 28 digits: where it is not a
    half, its rounding is the same (the fraction is at least 1/(2·denominator) from a half, far more than
    Decimal's error); where it is a half, Decimal has it exactly only if every share aᵢ/Dᵢ is a short
    terminating decimal — other halves are left to Decimal (mask False). None when the numbers do not
    fit these bounds (many places, a span ≤ 0, products past 64 bits): the floats and Decimal decide."""
    value_places = max([4, *(max(_places(p.lower), _places(p.upper)) for p in parts)])
    weight_places = max(_places(p.weight) for p in parts)
    if value_places > 8 or weight_places > 6:
        return None
    spans, lowers, weights = [], [], []
    for part in parts:
        lower = int(part.lower.scaleb(value_places))
        span = int(part.upper.scaleb(value_places)) - lower
        if span <= 0:
            return None
        spans.append(span)
        lowers.append(lower)
        weights.append(int(part.weight.scaleb(weight_places)))
    common = math.lcm(*spans)
    if sum(weights) * common * 10**6 >= _INT_LIMIT or max(abs(x) for x in lowers + spans) >= 2**40:
        return None
    size = len(chunks[0].scaled)
    numerator = np.zeros(size, dtype=np.int64)
    covered = np.zeros(size, dtype=np.int64)
    known = np.ones(size, dtype=bool)
    shares_exact = np.ones(size, dtype=bool)
    for part, chunk, lower, span, weight in zip(parts, chunks, lowers, spans, weights, strict=True):
        scaled = chunk.scaled
        present = scaled != MISSING
        known &= scaled != OUTSIDE
        # values past ±2^40 (scaled) are left to Decimal: the shift to the common scale must not overflow
        small = np.abs(np.where(present, scaled, 0)) < 2**40
        known &= ~present | small
        value = np.where(present & small, scaled, 0) * 10 ** (value_places - 4)
        distance = np.clip(value - lower, 0, span)
        if not part.higher_is_better:
            distance = span - distance
        numerator += np.where(present, weight * distance * (common // span), 0)
        covered += np.where(present, weight, 0)
        # the share distance/span in lowest terms: a terminating decimal of at most _SHARE_PLACES places?
        rest = span // np.gcd(distance, span)
        for factor in (2, 5):
            count = np.zeros(size, dtype=np.int64)
            while (divisible := (rest % factor == 0)).any():
                rest = np.where(divisible, rest // factor, rest)
                count += divisible
            shares_exact &= ~present | (count <= _SHARE_PLACES)
        shares_exact &= ~present | (rest == 1)
    denominator = np.where(covered > 0, covered * common, 1)
    quotient, remainder = np.divmod(numerator * 10**6, denominator)
    twice = 2 * remainder
    half = twice == denominator
    up = (twice > denominator) | (half & (quotient % 2 == 1))
    known &= (covered > 0) & (~half | shares_exact)
    return known, quotient + up


# --- roll-ups ------------------------------------------------------------------------------------------


def group_ranks(groups: Ints, values: Ints, *, higher_is_better: bool) -> Ints:
    """Competition ranks (1, 2, 2, 4) within each group, as `computing.ranks` gives them per group."""
    size = len(values)
    key = -values if higher_is_better else values
    order = np.lexsort((key, groups))
    sorted_groups, sorted_keys = groups[order], key[order]
    starts_group = np.ones(size, dtype=bool)
    starts_group[1:] = sorted_groups[1:] != sorted_groups[:-1]
    starts_run = starts_group.copy()
    starts_run[1:] |= sorted_keys[1:] != sorted_keys[:-1]
    index = np.arange(size)
    group_start = np.maximum.accumulate(np.where(starts_group, index, 0))
    run_start = np.maximum.accumulate(np.where(starts_run, index, 0))
    ranks = np.empty(size, dtype=np.int64)
    ranks[order] = run_start - group_start + 1
    return ranks


def group_medians(groups: Ints, values: Ints, count: int) -> Ints:
    """The median of each group 0…count-1 (none empty), rounded half to even to four places as
    `computing.median_of` does: the mean of the two middle values may end in half a unit."""
    order = np.lexsort((values, groups))
    ordered = values[order]
    sizes = np.bincount(groups, minlength=count)
    starts = np.cumsum(sizes) - sizes
    total = ordered[starts + (sizes - 1) // 2] + ordered[starts + sizes // 2]
    half = total >> 1  # floor
    return half + ((total & 1) & (half & 1))


@dataclass
class Rollup:
    """The rows of one indicator, in the order they are written: organisations grouped by municipality
    (municipalities in the order their first organisation appears), then per region its municipalities
    and the region's own row."""

    org_rows: Ints  # positions of the organisations with a value, in writing order
    org_ranks: Ints  # rank within the municipality, aligned with org_rows
    municipalities: Ints  # municipality ids, in writing order (grouped by region)
    municipality_regions: Ints
    municipality_values: Ints
    municipality_ranks: Ints
    regions: Ints  # region ids, in order
    region_values: Ints
    region_sizes: Ints  # municipalities per region (their rows precede the region's)


def rollup(values: Ints, municipalities: Ints, regions: Ints, *, higher_is_better: bool) -> Rollup:
    """Ranks within municipalities, municipal medians ranked within regions, regional medians (of all the
    region's organisations) of one indicator; `values` by organisation position, MISSING where none.
    Every present value must be below EXACT_LIMIT in magnitude."""
    rows = np.flatnonzero(values != MISSING)
    present = values[rows]
    municipality_ids, group, first_row = first_seen(municipalities[rows])
    org_order = np.argsort(group, kind="stable")
    org_ranks = group_ranks(group, present, higher_is_better=higher_is_better)
    medians = group_medians(group, present, len(municipality_ids))
    municipality_regions = regions[rows][first_row]
    region_ids, region_group, _first = first_seen(municipality_regions)
    municipality_ranks = group_ranks(region_group, medians, higher_is_better=higher_is_better)
    region_values = group_medians(region_group[group], present, len(region_ids))
    by_region = np.argsort(region_group, kind="stable")
    return Rollup(
        org_rows=rows[org_order],
        org_ranks=org_ranks[org_order],
        municipalities=municipality_ids[by_region],
        municipality_regions=municipality_regions[by_region],
        municipality_values=medians[by_region],
        municipality_ranks=municipality_ranks[by_region],
        regions=region_ids,
        region_values=region_values,
        region_sizes=np.bincount(region_group, minlength=len(region_ids)),
    )
