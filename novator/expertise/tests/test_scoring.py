"""The arithmetic of the ranking (novator.contests.scoring): pure functions, no database."""

from __future__ import annotations

import datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from novator.contests.scoring import (
    CriterionSpec,
    SheetScores,
    application_total,
    competition_ranks,
    max_total,
    mean,
    sheet_total,
)

from .ranking import ApplicationScores, rank_category, rank_contest

D = Decimal
A = CriterionSpec(id=1, position=1, max_points=D(3), weight=D(1))
B = CriterionSpec(id=2, position=2, max_points=D(10), weight=D("0.5"))
CRITERIA = [B, A]  # given out of order on purpose: position decides which one is «first»
DAY = datetime.datetime(2023, 2, 1, 12, 0, tzinfo=datetime.UTC)


def sheet(a: object, b: object) -> SheetScores:
    return SheetScores({1: D(str(a)), 2: D(str(b))})


def app(id: int, *sheets: SheetScores, number: int | None = None, at: int = 0, category: int = 1):
    return ApplicationScores(
        id=id,
        category_id=category,
        sheets=sheets,
        number=number if number is not None else id,
        submitted_at=DAY + datetime.timedelta(hours=at),
    )


def test_sheet_total_is_the_weighted_sum():
    assert sheet_total({1: D(3), 2: D(8)}, CRITERIA) == D(7)  # 3×1 + 8×0.5
    assert sheet_total({1: D("2.5")}, CRITERIA) == D("2.5")  # an unscored criterion counts as 0
    assert max_total(CRITERIA) == D(8)


def test_application_total_is_the_mean_rounded_half_up_to_cents():
    assert application_total([sheet(3, 8), sheet(2, 5)], CRITERIA) == D("5.75")  # (7 + 4.5) / 2
    # (1 + 0.5 + 0.5) / 3 = 0.6666… → 0.67; (0 + 0 + 0.5)/3 = 0.1666… → 0.17
    assert application_total([sheet(1, 0), sheet(0.5, 0), sheet(0.5, 0)], CRITERIA) == D("0.67")
    assert mean([D("0.125"), D("0.125")]) == D("0.13")  # half-up, not banker's rounding
    assert application_total([], CRITERIA) is None


def test_competition_ranks():
    assert competition_ranks([D(9), D(8), D(8), D(7)]) == [1, 2, 2, 4]
    assert competition_ranks([D(5), D(5), D(5)]) == [1, 1, 1]
    assert competition_ranks([D(5), None]) == [1, None]


def order(rows):
    return [r.application_id for r in rows]


def test_sorted_by_total_descending_with_competition_rank():
    rows = rank_category(
        [app(1, sheet(1, 2)), app(2, sheet(3, 8)), app(3, sheet(2, 4)), app(4, sheet(3, 8))],
        CRITERIA,
        threshold=D(0),
        quota=None,
    )
    assert [r.total for r in rows] == [D(7), D(7), D(4), D(2)]
    assert [r.rank for r in rows] == [1, 1, 3, 4]


def test_tie_break_1_higher_minimum_sheet_total():
    # both total 5.00; app 1 sheets 6 and 4, app 2 sheets 5 and 5 → app 2 first
    one = app(1, sheet(2, 8), sheet(2, 4))
    two = app(2, sheet(3, 4), sheet(3, 4))
    rows = rank_category([one, two], CRITERIA, threshold=D(0), quota=None)
    assert order(rows) == [2, 1]
    assert [r.rank for r in rows] == [1, 1]  # the rank shows the tie, the order breaks it


def test_tie_break_2_first_criterion_by_position():
    # equal totals (5) and equal minimums; app 1 has more on «A» (position 1)
    one = app(1, sheet(3, 4))
    two = app(2, sheet(1, 8))
    assert order(rank_category([two, one], CRITERIA, threshold=D(0), quota=None)) == [1, 2]


def test_tie_break_3_earlier_submission_then_4_number():
    early = app(1, sheet(2, 4), at=5, number=9)
    late = app(2, sheet(2, 4), at=1, number=1)
    assert order(rank_category([early, late], CRITERIA, threshold=D(0), quota=None)) == [2, 1]
    same_time_low_number = app(3, sheet(2, 4), at=3, number=2)
    same_time_high_number = app(4, sheet(2, 4), at=3, number=7)
    rows = rank_category([same_time_high_number, same_time_low_number], CRITERIA, threshold=D(0), quota=None)
    assert order(rows) == [3, 4]


def test_applications_without_sheets_go_last_without_rank():
    rows = rank_category([app(1), app(2, sheet(0, 0))], CRITERIA, threshold=D(0), quota=None)
    assert order(rows) == [2, 1]
    assert rows[1].total is None and rows[1].rank is None and not rows[1].proposed


def test_threshold_and_quota_propose_the_winners():
    apps = [app(1, sheet(3, 10)), app(2, sheet(3, 8)), app(3, sheet(3, 6)), app(4, sheet(1, 2))]
    rows = rank_category(apps, CRITERIA, threshold=D("4.80"), quota=2)
    assert [(r.application_id, r.passes_threshold, r.proposed) for r in rows] == [
        (1, True, True),
        (2, True, True),
        (3, True, False),  # passes the threshold but the quota is full
        (4, False, False),
    ]
    unlimited = rank_category(apps, CRITERIA, threshold=D("4.80"), quota=None)
    assert [r.proposed for r in unlimited] == [True, True, True, False]
    exactly = rank_category([app(5, sheet(3, 3.6))], CRITERIA, threshold=D("4.80"), quota=None)
    assert exactly[0].total == D("4.80") and exactly[0].proposed  # «at least» the threshold


def test_spread_and_sheet_counts():
    (row,) = rank_category([app(1, sheet(3, 8), sheet(1, 2))], CRITERIA, threshold=D(0), quota=None)
    assert row.sheets == 2
    assert (row.min_sheet_total, row.max_sheet_total, row.spread) == (D(2), D(7), D(5))


def test_categories_are_ranked_separately_with_their_quotas():
    apps = [
        app(1, sheet(3, 10), category=10),
        app(2, sheet(3, 9), category=10),
        app(3, sheet(1, 0), category=20),
    ]
    result = rank_contest(apps, CRITERIA, threshold=D(0), quotas={10: 1, 20: None, 30: 2})
    assert order(result[10]) == [1, 2]
    assert [r.proposed for r in result[10]] == [True, False]
    assert [r.rank for r in result[20]] == [1]
    assert result[30] == []  # a category without applications is still listed


# --- invariants (hypothesis) ---------------------------------------------------------------------

points = st.sampled_from([D(x) / 2 for x in range(0, 7)])  # 0…3 in steps of 0.5
sheets_st = st.lists(st.builds(lambda a, b: SheetScores({1: a, 2: b * 3}), points, points), max_size=3)


@st.composite
def applications_st(draw):
    count = draw(st.integers(min_value=0, max_value=8))
    return [
        ApplicationScores(
            id=i + 1,
            category_id=1,
            sheets=draw(sheets_st),
            number=i + 1,
            submitted_at=DAY + datetime.timedelta(minutes=draw(st.integers(0, 5))),
        )
        for i in range(count)
    ]


@settings(max_examples=200, deadline=None)
@given(
    apps=applications_st(),
    threshold=st.sampled_from([D(0), D("2.5"), D("4.8"), D(8)]),
    quota=st.one_of(st.none(), st.integers(0, 5)),
    seed=st.randoms(),
)
def test_ranking_invariants(apps, threshold, quota, seed):
    rows = rank_category(apps, CRITERIA, threshold=threshold, quota=quota)
    # every application exactly once
    assert sorted(order(rows)) == sorted(a.id for a in apps)
    totals = [r.total for r in rows]
    ranked = [t for t in totals if t is not None]
    # sorted by total, descending; unranked at the end
    assert ranked == sorted(ranked, reverse=True)
    assert totals[: len(ranked)] == ranked
    # competition rank: 1 + the number of strictly higher totals; equal totals share a rank
    for r in rows:
        if r.total is None:
            assert r.rank is None
        else:
            assert r.rank == 1 + sum(1 for t in ranked if t > r.total)
    # winners: at or above the threshold, within the quota, a prefix of those who pass
    proposed = [r for r in rows if r.proposed]
    assert all(r.total is not None and r.total >= threshold for r in proposed)
    if quota is not None:
        assert len(proposed) <= quota
    passing = [r for r in rows if r.passes_threshold]
    assert proposed == passing[: len(proposed)]
    assert len(proposed) == (len(passing) if quota is None else min(quota, len(passing)))
    # the input order does not matter
    shuffled = list(apps)
    seed.shuffle(shuffled)
    assert order(rank_category(shuffled, CRITERIA, threshold=threshold, quota=quota)) == order(rows)
