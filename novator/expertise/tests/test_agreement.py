"""Agreement figures against textbook values and limiting cases."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import friedmanchisquare

from novator.expertise.agreement import (
    concordance,
    icc,
    icc1_oneway,
    interpret_w,
    kendall_w,
    leniency,
    spreads,
)

# Shrout & Fleiss (1979), table 2: 6 targets × 4 judges; ICC(1,1) = .17, ICC(2,1) = .29.
SHROUT_FLEISS = np.array(
    [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]
)

# Ten projects ranked by four judges (a classic classroom example): ΣD² = 1048, W = 12·1048 / (4²·(10³ − 10)).
TEN_PROJECTS = [
    [1, 3, 4, 5, 2, 8, 6, 7, 10, 9],
    [2, 1, 4, 5, 6, 3, 8, 7, 10, 9],
    [3, 2, 1, 5, 7, 4, 6, 8, 9, 10],
    [4, 2, 3, 1, 6, 7, 5, 9, 8, 10],
]


def sheets_from(block):
    """block[target][rater] → sheets (rater, target, total)."""
    return [(f"r{j}", i, float(v)) for i, row in enumerate(block) for j, v in enumerate(row)]


def test_kendall_w_textbook_values():
    assert kendall_w(TEN_PROJECTS) == pytest.approx(12 * 1048 / (16 * 990))
    assert kendall_w(TEN_PROJECTS) == pytest.approx(0.7939, abs=1e-4)
    # Four judges, three competitors: W = 1/16.
    assert kendall_w([[1, 3, 2], [1, 2, 3], [2, 3, 1], [3, 1, 2]]) == pytest.approx(1 / 16)


def test_w_is_one_for_identical_rankings_and_near_zero_for_random_ones():
    scores = np.array([[3.0, 9, 1, 7, 5]] * 6)
    assert kendall_w(scores) == pytest.approx(1.0)
    assert kendall_w(scores * 2 + 1) == pytest.approx(1.0)  # only the order matters
    rng = np.random.default_rng(0)
    random_w = kendall_w(rng.random((60, 200)))
    assert random_w < 0.03  # E[W] = 1/m under independence


def test_tie_correction_matches_the_friedman_statistic():
    rng = np.random.default_rng(4)
    scores = rng.integers(0, 4, size=(6, 9)).astype(float)  # many ties
    chi2 = friedmanchisquare(*scores.T).statistic
    assert kendall_w(scores) == pytest.approx(chi2 / (6 * (9 - 1)))


def test_w_undefined_cases():
    with pytest.raises(ValueError):
        kendall_w([[1, 2, 3]])
    assert np.isnan(kendall_w([[5, 5], [5, 5]]))


def test_icc_textbook_values():
    result = icc(SHROUT_FLEISS)
    assert result["icc1"] == pytest.approx(0.17, abs=0.005)
    assert result["icc2_1"] == pytest.approx(0.29, abs=0.005)
    assert icc1_oneway(sheets_from(SHROUT_FLEISS)) == pytest.approx(result["icc1"])


def test_icc1_oneway_works_for_incomplete_designs_and_perfect_agreement():
    sheets = [("a", 1, 10), ("b", 1, 10), ("c", 2, 4), ("d", 2, 4), ("e", 2, 4), ("a", 3, 7), ("f", 3, 7)]
    assert icc1_oneway(sheets) == pytest.approx(1.0)
    assert icc1_oneway([("a", 1, 5), ("b", 1, 6)]) is None  # one application: not defined


def test_concordance_on_a_complete_design():
    result = concordance(sheets_from(np.array(TEN_PROJECTS).T))
    assert result.complete and result.reason == ""
    assert result.w == pytest.approx(0.7939, abs=1e-4)
    assert (len(result.experts), len(result.applications), result.df) == (4, 10, 9)
    assert result.chi2 == pytest.approx(4 * 9 * result.w)
    assert result.p_value is not None and result.p_value < 0.01
    assert result.interpretation == "согласованность очень высокая"


def test_concordance_on_an_incomplete_design_uses_the_largest_complete_block():
    block = np.array(TEN_PROJECTS).T  # 10 applications × 4 experts
    sheets = sheets_from(block)
    sheets += [("r0", "extra", 3.0), ("r9", "extra", 4.0), ("r9", "other", 1.0)]  # break completeness
    result = concordance(sheets)
    assert not result.complete
    assert sorted(result.experts) == ["r0", "r1", "r2", "r3"] and len(result.applications) == 10
    assert result.w == pytest.approx(0.7939, abs=1e-4)
    assert "наибольшем полном блоке" in result.reason and "4 эксп. × 10 заявок" in result.reason


def test_concordance_is_none_with_a_reason_when_no_block_exists():
    result = concordance([("a", 1, 5), ("b", 2, 6), ("c", 3, 7)])
    assert result.w is None and "не определён" in result.reason
    assert result.interpretation == "согласованность не определена"


def test_spread_flags_applications_over_the_threshold():
    sheets = [("a", 1, 10), ("b", 1, 30), ("c", 1, 12), ("a", 2, 20), ("b", 2, 22), ("a", 3, 5)]
    by_app = {s.application: s for s in spreads(sheets, threshold=10)}
    assert by_app[1].range == 20 and by_app[1].flagged
    assert by_app[1].sd == pytest.approx(np.std([10, 30, 12], ddof=1))
    assert by_app[2].range == 2 and not by_app[2].flagged
    assert by_app[3].sheets == 1 and by_app[3].sd == 0 and not by_app[3].flagged


def test_leniency_finds_the_lenient_and_the_harsh_expert():
    rng = np.random.default_rng(2)
    bias = {"lenient": 3.0, "harsh": -3.0, "fair1": 0.0, "fair2": 0.0}
    sheets = []
    for a in range(30):
        quality = rng.normal(10, 2)
        for e in rng.choice(list(bias), 3, replace=False):
            sheets.append((e, a, quality + bias[e] + rng.normal(0, 0.3)))
    report = leniency(sheets)
    assert report[0].expert == "lenient" and report[-1].expert == "harsh"
    assert report[0].mean_deviation > 3 and report[-1].mean_deviation < -3
    assert all(r.se is not None and r.se > 0 for r in report)


def test_leniency_is_own_total_minus_the_mean_of_the_others():
    (a, b, c) = leniency([("x", 1, 10), ("y", 1, 6), ("z", 1, 2)])
    assert (a.expert, a.mean_deviation) == ("x", 6.0)
    assert (b.expert, b.mean_deviation) == ("y", 0.0)
    assert (c.expert, c.mean_deviation) == ("z", -6.0)


@pytest.mark.parametrize(
    ("w", "text"),
    [
        (0.0, "согласованность слабая"),
        (0.29, "согласованность слабая"),
        (0.3, "согласованность умеренная"),
        (0.5, "согласованность высокая"),
        (0.69, "согласованность высокая"),
        (0.7, "согласованность очень высокая"),
        (1.0, "согласованность очень высокая"),
        (None, "согласованность не определена"),
    ],
)
def test_interpret_w(w, text):
    assert interpret_w(w) == text


def test_duplicate_sheets_are_rejected():
    with pytest.raises(ValueError, match="twice"):
        spreads([("a", 1, 1), ("a", 1, 2)], 1)
