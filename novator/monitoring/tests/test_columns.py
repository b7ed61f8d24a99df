"""The column arithmetic of the recomputation gives exactly the Decimal results, row by row."""

from __future__ import annotations

import random
from decimal import Decimal

import numpy as np
import pytest

from novator.monitoring import columns, computing, formula

FORMULAS = [
    ("teachers_involved", "teachers", Decimal(100)),
    ("partners", "", Decimal(1)),
    ("partners + teachers_involved / 3", "teachers - 8", Decimal("0.5")),
    ("-partners * 0.1", "teachers_involved - partners", Decimal(1)),
    ("(teachers - teachers_involved) * 2.5", "16", Decimal(1)),
    ("teachers_involved", "partners - partners", Decimal(1)),  # a divisor that is always zero
    ("teachers_involved / 7 * 7", "", Decimal("1000000")),  # Decimal's own rounding decides the tie
    ("unknown_code + 1", "", Decimal(1)),
]


def _random_inputs(rng: random.Random, size: int) -> dict[str, np.ndarray]:
    """Scaled values with gaps, zeros, negatives, halves and quarters (ties at the fifth place)."""

    def one() -> int:
        kind = rng.random()
        if kind < 0.1:
            return columns.MISSING
        if kind < 0.2:
            return 0
        if kind < 0.5:
            return rng.randint(-5, 130) * 10_000
        if kind < 0.8:
            return rng.randint(0, 400) * 2_500
        return rng.randint(-(10**9), 10**9)

    return {
        code: np.array([one() for _ in range(size)], dtype=np.int64)
        for code in ("teachers", "teachers_involved", "partners")
    }


def _decimals(inputs: dict[str, np.ndarray], row: int) -> dict[str, Decimal | None]:
    return {
        code: None if values[row] == columns.MISSING else columns.decimal_of(int(values[row]))
        for code, values in inputs.items()
    }


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize(("numerator", "denominator", "factor"), FORMULAS)
def test_an_indicator_column_equals_the_decimal_formula_row_by_row(seed, numerator, denominator, factor):
    rng = random.Random(seed)
    size = 400
    inputs = _random_inputs(rng, size)
    chunk = columns.indicator_column(
        numerator=numerator, denominator=denominator, factor=factor, inputs=inputs, size=size
    )
    for row in range(size):
        expected = formula.indicator_value(
            numerator=numerator, denominator=denominator, factor=factor, values=_decimals(inputs, row)
        )
        expected = None if expected is None else expected.quantize(computing.Q4)
        assert chunk.decimal(row) == expected, (row, _decimals(inputs, row))


def test_exact_ties_at_the_fifth_place_round_half_to_even_like_decimal():
    # 1/32 × 100 = 3.125 is exact; ×0.01 gives 0.03125 → 0.0312 (even), 3/32 → 0.09375 → 0.0938
    inputs = {"a": np.array([10_000, 30_000, 50_000], dtype=np.int64), "b": np.full(3, 320_000)}
    chunk = columns.indicator_column(numerator="a", denominator="b", factor=Decimal(1), inputs=inputs, size=3)
    assert [chunk.decimal(r) for r in range(3)] == [Decimal("0.0312"), Decimal("0.0938"), Decimal("0.1562")]


def test_a_value_past_64_bits_comes_back_as_the_decimal():
    inputs = {"a": np.array([12_345, columns.MISSING], dtype=np.int64)}
    factor = Decimal(10) ** 20
    chunk = columns.indicator_column(numerator="a", denominator="", factor=factor, inputs=inputs, size=2)
    assert chunk.scaled[0] == columns.OUTSIDE
    assert chunk.decimal(0) == (Decimal("1.2345") * factor).quantize(computing.Q4)
    assert chunk.decimal(1) is None


WEIGHTS = [
    {
        "involved_share": {"weight": 2.0, "lower": 0.0, "upper": 100.0},
        "partners": {"weight": 1.0, "lower": 0.0, "upper": 10.0},
        "statuses": {"weight": 1.0, "lower": 0.0, "upper": 3.0},
    },
    {
        "involved_share": {"weight": 0.1, "lower": 12.5, "upper": 77.7},
        "partners": {"weight": 0.3333, "lower": -1.0, "upper": 2.5},
        "statuses": {"weight": 0.0, "lower": 0.0, "upper": 3.0},
        "absent": {"weight": 0.7, "lower": 0.0, "upper": 1.0},
    },
    {"partners": {"weight": 1.0, "lower": 5.0, "upper": 5.0}},  # bounds refused by the service
]


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("weights", WEIGHTS)
@pytest.mark.parametrize("lower_is_better", [False, True])
def test_the_index_column_equals_the_decimal_composite_row_by_row(seed, weights, lower_is_better):
    rng = random.Random(seed)
    size = 400
    raw = _random_inputs(rng, size)
    values = {
        code: columns.Chunk(raw[source].copy())
        for code, source in (
            ("involved_share", "teachers"),
            ("partners", "teachers_involved"),
            ("statuses", "partners"),
        )
    }
    directions = {"involved_share": True, "partners": not lower_is_better, "statuses": True}
    chunk = columns.composite_column(values, weights, directions, size)
    for row in range(size):
        held = {code: values[code].decimal(row) for code in weights if code in values}
        assert chunk.decimal(row) == computing.composite(held, weights, directions), (row, held)


@pytest.mark.parametrize("seed", range(5))
def test_ranks_and_medians_by_group_equal_the_decimal_ones(seed):
    rng = random.Random(seed)
    size = 300
    groups = np.array([rng.randint(0, 9) for _ in range(size)], dtype=np.int64)
    groups = np.unique(groups, return_inverse=True)[1].astype(np.int64)
    values = np.array(
        [rng.choice([rng.randint(-50, 50), rng.randint(0, 3)]) for _ in range(size)], dtype=np.int64
    )
    for better in (True, False):
        ranks = columns.group_ranks(groups, values, higher_is_better=better)
        medians = columns.group_medians(groups, values, int(groups.max()) + 1)
        for group in range(int(groups.max()) + 1):
            members = {row: columns.decimal_of(int(values[row])) for row in np.flatnonzero(groups == group)}
            expected = computing.ranks(members, higher_is_better=better)
            assert {row: int(ranks[row]) for row in members} == expected
            assert columns.decimal_of(int(medians[group])) == computing.median_of(members.values())
