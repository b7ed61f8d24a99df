"""The column arithmetic of the recomputation gives exactly the Decimal results, row by row."""

from __future__ import annotations

import random
from decimal import Decimal

import numpy as np
import pytest

from novator.monitoring.engine import columns, computing, formula

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


HALVES_WEIGHTS = [
    WEIGHTS[0],  # the benchmark's: 2·share/100 + partners/10 + statuses/3, out of 4
    {
        "involved_share": {"weight": 1.5, "lower": 0.0, "upper": 100.0},
        "partners": {"weight": 0.25, "lower": 2.0, "upper": 12.0},
        "statuses": {"weight": 0.25, "lower": 0.0, "upper": 4.0},
    },
    {  # spans of 7 and 3: shares that do not terminate, whose halves only Decimal may decide
        "involved_share": {"weight": 1.0, "lower": 0.0, "upper": 7.0},
        "partners": {"weight": 1.0, "lower": 0.0, "upper": 3.0},
        "statuses": {"weight": 2.0, "lower": 1.0, "upper": 3.0},
    },
]


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("weights", HALVES_WEIGHTS)
@pytest.mark.parametrize("lower_is_better", [False, True])
def test_the_halves_of_the_index_are_decided_in_integers_as_decimal_does(
    seed, weights, lower_is_better, monkeypatch
):
    """Shares of four places, counts and small counts, as the monitoring has them: many indexes are exact
    halves at the fifth place, which floats cannot round. They are rounded in integers, half to even,
    exactly as Decimal does; Decimal is asked only for the halves made of shares that do not terminate."""
    rng = random.Random(seed)
    size = 2000
    values = {
        "involved_share": columns.Chunk(
            np.array(
                [rng.randint(0, 1_000_000) if rng.random() > 0.05 else columns.MISSING for _ in range(size)]
            )
        ),
        "partners": columns.Chunk(np.array([rng.randint(0, 14) * 10_000 for _ in range(size)])),
        "statuses": columns.Chunk(np.array([rng.randint(0, 5) * 10_000 for _ in range(size)])),
    }
    directions = {"involved_share": True, "partners": not lower_is_better, "statuses": True}
    asked = []
    decimal_composite = computing.composite_of
    monkeypatch.setattr(computing, "composite_of", lambda *args: asked.append(1) or decimal_composite(*args))
    chunk = columns.composite_column(values, weights, directions, size)
    monkeypatch.undo()
    for row in range(size):
        held = {code: values[code].decimal(row) for code in weights}
        assert chunk.decimal(row) == computing.composite(held, weights, directions), (row, held)
    # without the integers, Decimal would be asked for hundreds of these rows
    if weights is HALVES_WEIGHTS[2]:
        assert len(asked) < size // 10
    else:
        assert asked == []


def test_the_integer_path_steps_aside_where_its_bounds_do_not_hold():
    """Weights of many places, spans ≤ 0, values past its 64-bit room: None or undecided rows, and the
    column is still Decimal's, row by row."""
    chunk = columns.Chunk(np.array([123_456, 2**45, columns.MISSING], dtype=np.int64))
    parts = [computing.Part("x", Decimal("0.1234567"), Decimal(0), Decimal(1), True)]
    assert columns._composite_in_integers(parts, [chunk]) is None
    parts = [computing.Part("x", Decimal(1), Decimal(2), Decimal(2), True)]
    assert columns._composite_in_integers(parts, [chunk]) is None
    parts = [computing.Part("x", Decimal(1), Decimal(0), Decimal(100), True)]
    decided = columns._composite_in_integers(parts, [chunk])
    assert decided is not None
    assert decided[0].tolist() == [True, False, False]
    assert decided[1][0] == 123_456  # 12.3456 of a span of 100, weight 1: the index is 12.3456
    weights = {"x": {"weight": 1, "lower": 0, "upper": 100}}
    column = columns.composite_column({"x": chunk}, weights, {"x": True}, 3)
    for row in range(3):
        held = {"x": chunk.decimal(row)}
        assert column.decimal(row) == computing.composite(held, weights, {"x": True})


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
