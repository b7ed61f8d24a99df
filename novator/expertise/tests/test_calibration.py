"""Calibration removes lenient and harsh experts' bias: the ranking gets closer to the truth."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import kendalltau, spearmanr

from novator.expertise.calibration import calibrate, rank


def synthetic(seed: int, n_apps: int = 40, n_experts: int = 10, k: int = 3):
    """True quality q per application; each expert adds their own leniency b and stretch s; k experts
    per application, chosen at random (so raw means depend on who happened to review)."""
    rng = np.random.default_rng(seed)
    quality = rng.normal(size=n_apps)
    lenient = rng.uniform(-1.5, 1.5, n_experts)
    stretch = rng.uniform(0.5, 1.5, n_experts)
    sheets = []
    for a in range(n_apps):
        for e in rng.choice(n_experts, k, replace=False):
            x = 50 + 10 * (lenient[e] + stretch[e] * quality[a] + 0.3 * rng.normal())
            sheets.append((f"e{e}", a, float(np.clip(round(x), 0, 100))))
    return quality, sheets


def test_calibration_restores_the_true_ranking_better_than_raw_means():
    raw_tau, cal_tau, raw_rho, cal_rho = [], [], [], []
    for seed in range(12):
        quality, sheets = synthetic(seed)
        result = calibrate(sheets, (0, 100))
        raw = [result.raw_totals[a] for a in range(len(quality))]
        cal = [result.calibrated_totals[a] for a in range(len(quality))]
        raw_tau.append(kendalltau(raw, quality).statistic)
        cal_tau.append(kendalltau(cal, quality).statistic)
        raw_rho.append(spearmanr(raw, quality).statistic)
        cal_rho.append(spearmanr(cal, quality).statistic)
    assert np.mean(cal_tau) > np.mean(raw_tau) + 0.05
    assert np.mean(cal_rho) > np.mean(raw_rho)
    assert sum(c > r for c, r in zip(cal_tau, raw_tau, strict=True)) >= 10  # better in (almost) every seed


def test_a_lenient_and_a_harsh_expert_end_up_on_the_same_scale():
    # Both see the same five applications in the same order; one scores 80..100, the other 10..30.
    sheets = [("lenient", a, 80 + 5 * a) for a in range(5)] + [("harsh", a, 10 + 5 * a) for a in range(5)]
    result = calibrate(sheets, (0, 100))
    assert result.calibrated_experts == {"lenient", "harsh"}
    for a in range(5):
        assert result.calibrated_sheets[("lenient", a)] == pytest.approx(
            result.calibrated_sheets[("harsh", a)]
        )
    assert result.pooled_mean == pytest.approx(55)
    assert result.pooled_sd == pytest.approx(np.std([0, 5, 10, 15, 20], ddof=1))


def test_where_it_matters_the_calibrated_ranking_differs_from_the_raw_one():
    # Application "x" got only the lenient expert, "y" only the harsh one; y is the better application
    # by each expert's own standard, but raw means put x first.
    sheets = [("lenient", i, 80 + i) for i in range(5)] + [("harsh", i, 20 + i) for i in range(5, 10)]
    sheets += [("lenient", "x", 81), ("harsh", "y", 28)]
    result = calibrate(sheets, (0, 100))
    assert result.raw_ranking.index("x") < result.raw_ranking.index("y")
    assert result.calibrated_ranking.index("y") < result.calibrated_ranking.index("x")
    row = next(r for r in result.rows if r.application == "y")
    assert row.raw_total == 28 and row.calibrated_rank < row.raw_rank


def test_experts_with_too_few_sheets_keep_raw_scores():
    sheets = [("few", a, 90.0 + a) for a in range(4)] + [("many", a, 10.0 * a) for a in range(6)]
    result = calibrate(sheets, (0, 100), min_sheets=5)
    assert result.calibrated_experts == {"many"}
    assert all(result.calibrated_sheets[("few", a)] == 90.0 + a for a in range(4))
    assert calibrate(sheets, (0, 100), min_sheets=4).calibrated_experts == {"few", "many"}


def test_zero_standard_deviation_means_no_ranking_information():
    sheets = [("flat", a, 7.0) for a in range(5)] + [("spread", a, float(a)) for a in range(5)]
    result = calibrate(sheets, (0, 10))
    assert all(np.isfinite(v) for v in result.calibrated_sheets.values())
    assert [result.calibrated_sheets[("flat", a)] for a in range(5)] == pytest.approx(
        [result.pooled_mean] * 5
    )
    # The flat expert does not shrink the pooled spread: σ is the other expert's.
    assert result.pooled_sd == pytest.approx(np.std(range(5), ddof=1))


def test_calibrated_values_stay_in_the_range_and_the_totals_are_means():
    quality, sheets = synthetic(1)
    result = calibrate(sheets, (40, 60))
    assert all(40 <= v <= 60 for v in result.calibrated_sheets.values())
    for a in range(len(quality)):
        mine = [v for (e, b), v in result.calibrated_sheets.items() if b == a]
        assert result.calibrated_totals[a] == pytest.approx(np.mean(mine))
    assert len(result.rows) == len(quality)


def test_rank_gives_ties_the_average_rank():
    assert rank({"a": 10, "b": 10, "c": 7}) == {"a": 1.5, "b": 1.5, "c": 3.0}


def test_bad_input():
    with pytest.raises(ValueError, match="twice"):
        calibrate([("e", 1, 5), ("e", 1, 6)], (0, 10))
    with pytest.raises(ValueError, match="low < high"):
        calibrate([("e", 1, 5)], (10, 0))
    with pytest.raises(ValueError, match="not a number"):
        calibrate([("e", 1, float("nan"))], (0, 10))
    assert calibrate([], (0, 10)).rows == []
