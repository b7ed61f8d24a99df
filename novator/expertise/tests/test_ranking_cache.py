"""The ranking is cached per contest under a fingerprint of everything it depends on.

Any change to a sheet, an assignment, an application, a category, a criterion or the contest computes it
afresh; without a change the cached figures are used, and they rebuild the same ranking.
"""

from __future__ import annotations

import pickle
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from novator.contests.models import Application, ApplicationState, OfficialRanking
from novator.contests.tests.factories import ApplicationFactory
from novator.expertise import ranking as ranking_module
from novator.expertise.models import Assignment, RankingVersion, Score, ScoreSheet
from novator.expertise.ranking import cache as ranking_cache
from novator.expertise.ranking import compute as ranking_compute
from novator.expertise.ranking import types as ranking_types
from novator.expertise.selectors._common import contest_criteria
from novator.organizations.tests.factories import OrganizationFactory

from .factories import AssignmentFactory, ExpertFactory, submit_sheet

pytestmark = pytest.mark.django_db

compute = ranking_compute.compute_ranking


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the computations (misses of the cache)."""
    calls: list[int] = []

    def counting(*args: Any) -> Any:
        calls.append(1)
        return compute(*args)

    monkeypatch.setattr(ranking_compute, "compute_ranking", counting)
    return calls


def figures(ranking: ranking_module.Ranking) -> Any:
    """Everything the ranking shows, with the applications and experts by id."""
    agreement = ranking.agreement
    return (
        ranking.threshold,
        ranking.max_total,
        str(ranking.official),
        ranking.calibrated_experts,
        [c.pk for c in ranking.criteria],
        [
            (
                category.category.pk if category.category else None,
                category.quota,
                [
                    (
                        row.application.pk,
                        row.application.number,
                        row.result,
                        row.raw,
                        row.calibrated,
                        row.spread,
                        row.assigned,
                        row.submitted,
                    )
                    for row in category.rows
                ],
            )
            for category in ranking.categories
        ],
        None
        if agreement is None
        else (
            agreement.threshold,
            agreement.concordance,
            agreement.experts,
            agreement.applications,
            agreement.icc1,
            agreement.icc2_1,
            agreement.flagged,
            [
                (i.expert_id, i.name, i.applications, i.mean_deviation, i.se, i.calibrated)
                for i in agreement.leniency
            ],
        ),
    )


def fresh(contest: Any) -> Any:
    criteria = contest_criteria(contest)
    categories = list(contest.categories.order_by("position", "pk"))
    return figures(compute(contest, criteria, categories))


def test_without_a_change_the_cached_ranking_is_used_and_equals_a_fresh_one(
    scored: Any, contest: Any, computed: list[int], django_assert_num_queries: Any
) -> None:
    contest.calibration_min_sheets = 2
    contest.save()
    first = ranking_module.contest_ranking(contest)
    assert len(computed) == 1
    contest.__dict__.pop("_prefetched_objects_cache", None)  # as in a new request
    # criteria, categories, the fingerprint; the applications when shown (the experts of the agreement are
    # cached by name)
    with django_assert_num_queries(4):
        cached = ranking_module.contest_ranking(contest)
        shown = figures(cached)
    assert shown == figures(first) == fresh(contest)
    assert len(computed) == 1
    assert first.agreement is not None and first.agreement.leniency
    assert cached.rows[0].application is not first.rows[0].application  # read afresh, not cached


def test_the_cached_figures_are_plain_data(scored: Any, contest: Any) -> None:
    plain = ranking_cache._to_plain(ranking_module.contest_ranking(contest))
    data = pickle.dumps(plain)
    assert b"django.db.models" not in data and b"novator.contests.models\nApplication" not in data
    assert b"Application" not in data and b"Expert\n" not in data
    assert pickle.loads(data) == plain


def test_only_the_visible_applications_are_read_from_a_cached_ranking(
    scored: Any, contest: Any, django_assert_num_queries: Any
) -> None:
    ranking_module.contest_ranking(contest)
    cached = ranking_module.contest_ranking(contest)
    rows = cached.rows
    with django_assert_num_queries(1):
        cached.load_applications(rows[:2])
        assert [row.application.pk for row in rows[:2]] == [row.application_id for row in rows[:2]]
    with django_assert_num_queries(1):  # the rest at once
        assert {row.application.pk for row in rows} == {a.pk for a in scored}


def change_sheet(contest: Any, scored: Any) -> None:
    sheet = ScoreSheet.objects.filter(assignment__application=scored[0]).first()
    assert sheet is not None
    sheet.state = ScoreSheet.State.DRAFT
    sheet.save()


def add_assignment(contest: Any, scored: Any) -> None:
    AssignmentFactory(application=scored[1], expert=ExpertFactory())


def delete_assignment(contest: Any, scored: Any) -> None:
    Assignment.objects.filter(application=scored[0]).first().delete()  # type: ignore[union-attr]


def add_application(contest: Any, scored: Any) -> None:
    application = ApplicationFactory(
        contest=contest,
        organization=OrganizationFactory(municipality=scored[0].organization.municipality),
        accepted=True,
    )
    assignment: Any = AssignmentFactory(application=application, expert=ExpertFactory())
    submit_sheet(assignment, [1, 1])


def change_application(contest: Any, scored: Any) -> None:
    application = Application.objects.get(pk=scored[1].pk)
    application.category = scored[0].category
    application.save()


def change_category(contest: Any, scored: Any) -> None:
    contest.categories.filter(pk=scored[1].category_id).update(quota=2)


def change_criterion(contest: Any, scored: Any) -> None:
    criterion = contest.criteria.order_by("position").last()
    criterion.weight = Decimal("1.5")
    criterion.save()


def change_contest(contest: Any, scored: Any) -> None:
    contest.official_ranking = OfficialRanking.CALIBRATED
    contest.calibration_min_sheets = 2
    contest.save()


def change_contest_unsaved(contest: Any, scored: Any) -> None:
    contest.threshold_value = Decimal("90")


# writes that bypass the models' save() (the database's triggers bump the contest's ranking version)


def update_scores_in_bulk(contest: Any, scored: Any) -> None:
    Score.objects.filter(sheet__assignment__application=scored[0]).update(points=Decimal("1"))


def update_score_by_raw_sql(contest: Any, scored: Any) -> None:
    score = Score.objects.filter(sheet__assignment__application=scored[1]).first()
    assert score is not None
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {Score._meta.db_table} SET points = 0 WHERE id = %s", [score.pk])


def delete_score(contest: Any, scored: Any) -> None:
    Score.objects.filter(sheet__assignment__application=scored[2]).first().delete()  # type: ignore[union-attr]


def bulk_create_scores(contest: Any, scored: Any) -> None:
    sheet = ScoreSheet.objects.filter(assignment__application=scored[0]).first()
    assert sheet is not None
    criteria = list(contest.criteria.all())
    Score.objects.filter(sheet=sheet).delete()
    Score.objects.bulk_create([Score(sheet=sheet, criterion=c, points=Decimal("0.5")) for c in criteria])


def reopen_sheets_in_bulk(contest: Any, scored: Any) -> None:
    ScoreSheet.objects.filter(assignment__application=scored[0]).update(state=ScoreSheet.State.DRAFT)


def withdraw_application_in_bulk(contest: Any, scored: Any) -> None:
    Application.objects.filter(pk=scored[2].pk).update(state=ApplicationState.WITHDRAWN)


@pytest.mark.parametrize(
    "change",
    [
        change_sheet,
        add_assignment,
        delete_assignment,
        add_application,
        change_application,
        change_category,
        change_criterion,
        change_contest,
        change_contest_unsaved,
        update_scores_in_bulk,
        update_score_by_raw_sql,
        delete_score,
        bulk_create_scores,
        reopen_sheets_in_bulk,
        withdraw_application_in_bulk,
    ],
)
def test_a_change_computes_the_ranking_afresh(
    change: Any, scored: Any, contest: Any, computed: list[int]
) -> None:
    before = figures(ranking_module.contest_ranking(contest))
    assert figures(ranking_module.contest_ranking(contest)) == before
    assert len(computed) == 1
    change(contest, scored)
    if change is not change_contest_unsaved:
        contest.refresh_from_db()
    contest.__dict__.pop("_prefetched_objects_cache", None)
    after = ranking_module.contest_ranking(contest)
    assert len(computed) == 2
    assert figures(after) == fresh(contest)
    assert figures(after) != before
    # and cached again
    assert figures(ranking_module.contest_ranking(contest)) == figures(after)
    assert len(computed) == 2


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Chunks of one row, and the cache keys read by each `get_many`."""
    from django.core.cache import cache

    monkeypatch.setattr(ranking_cache, "CHUNK", 1)
    reads: list[list[str]] = []
    get_many = cache.get_many

    def counting(keys: Any, *args: Any, **kwargs: Any) -> Any:
        reads.append(list(keys))
        return get_many(keys, *args, **kwargs)

    monkeypatch.setattr(cache, "get_many", counting)
    return reads


def test_a_cached_ranking_reads_only_the_chunks_of_rows_it_shows(
    scored: Any, contest: Any, small_chunks: list[list[str]], computed: list[int]
) -> None:
    first = ranking_module.contest_ranking(contest)
    cached = ranking_module.contest_ranking(contest)
    assert len(computed) == 1 and not small_chunks
    # the summary answers without reading a row
    assert [(c.figures.count, c.passing, c.proposed, c.threshold_index) for c in cached.categories] == [
        (c.figures.count, c.passing, c.proposed, c.threshold_index) for c in first.categories
    ]
    assert cached.pending == first.pending and not small_chunks
    rows = cached.categories[0].rows
    assert isinstance(rows, ranking_cache.CachedRows)
    assert [row.application_id for row in rows[1:2]] == [first.categories[0].rows[1].application_id]
    assert small_chunks == [[ranking_cache._chunk_key(rows.source.key, 0, 1)]]
    assert figures(cached) == figures(first)


def test_a_chunk_lost_from_the_cache_computes_the_ranking_again(
    scored: Any, contest: Any, small_chunks: list[list[str]], computed: list[int]
) -> None:
    from django.core.cache import cache

    first = ranking_module.contest_ranking(contest)
    cached = ranking_module.contest_ranking(contest)
    rows = cached.categories[0].rows
    assert isinstance(rows, ranking_cache.CachedRows)
    cache.delete(ranking_cache._chunk_key(rows.source.key, 0, 0))
    assert figures(cached) == figures(first)
    assert len(computed) == 2
    # and stored again whole
    assert figures(ranking_module.contest_ranking(contest)) == figures(first)
    assert len(computed) == 2


def test_a_cached_ranking_shows_the_most_deviating_experts_without_reading_them_all(
    scored: Any, contest: Any, monkeypatch: pytest.MonkeyPatch, computed: list[int]
) -> None:
    from django.core.cache import cache

    monkeypatch.setattr(ranking_types, "LENIENCY_KEPT", 1)
    contest.calibration_min_sheets = 2
    contest.save()
    first = ranking_module.contest_ranking(contest)
    assert first.agreement is not None and len(first.agreement.leniency) == 2
    reads: list[str] = []
    get = cache.get

    def counting(key: str, *args: Any, **kwargs: Any) -> Any:
        reads.append(key)
        return get(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get", counting)
    cached = ranking_module.contest_ranking(contest)
    assert cached.agreement is not None
    leniency = cached.agreement.leniency
    assert isinstance(leniency, ranking_cache.CachedLeniency)
    # what the page needs: the number of experts and the most deviating one
    assert len(leniency) == 2 and bool(leniency)
    assert cached.agreement.most_deviating(1) == first.agreement.most_deviating(1)
    assert not [key for key in reads if key.endswith(":leniency")]
    # the whole list when asked for (the minutes), from the cache; then lost from it: computed again
    assert list(leniency) == list(first.agreement.leniency)
    assert [key for key in reads if key.endswith(":leniency")] and len(computed) == 1
    cache.delete(ranking_cache._leniency_key(leniency.source.key))
    again = ranking_module.contest_ranking(contest)
    assert again.agreement is not None and list(again.agreement.leniency) == list(first.agreement.leniency)
    assert len(computed) == 2


def version(contest: Any) -> int:
    return RankingVersion.objects.filter(contest_id=contest.pk).values_list("version", flat=True).first() or 0


def test_the_database_bumps_the_ranking_version_of_the_contest_written_and_of_no_other(
    scored: Any, contest: Any, municipality: Any
) -> None:
    other: Any = ApplicationFactory(
        organization=OrganizationFactory(municipality=municipality), accepted=True
    )
    assert other.contest_id != contest.pk
    mine, theirs = version(contest), version(other.contest)
    assert mine > 0 and theirs > 0  # the fixtures wrote both
    steps = [
        lambda: Score.objects.filter(sheet__assignment__application=scored[0]).update(points=Decimal("2")),
        lambda: ScoreSheet.objects.filter(assignment__application=scored[0]).update(conclusion="Иначе"),
        lambda: Assignment.objects.filter(application=scored[1]).first().delete(),  # type: ignore[union-attr]
        lambda: Application.objects.filter(pk=scored[2].pk).update(number=99),
    ]
    for step in steps:
        before = version(contest)
        step()
        assert version(contest) > before
    assert version(other.contest) == theirs
    # a write that changes no row of the contest bumps nothing
    before = version(contest)
    Score.objects.filter(pk=-1).update(points=Decimal("1"))
    assert version(contest) == before


def test_a_contest_and_everything_scored_in_it_can_still_be_deleted(scored: Any, contest: Any) -> None:
    from novator.contests.models import Contest
    from novator.expertise.models import Commission

    Application.objects.filter(contest=contest).delete()  # with the assignments, sheets and scores
    assert not Score.objects.filter(sheet__assignment__application__contest=contest).exists()
    Commission.objects.filter(contest=contest).delete()
    contest.categories.all().delete()
    contest.criteria.all().delete()
    Contest.objects.filter(pk=contest.pk).delete()
    assert not Contest.objects.filter(pk=contest.pk).exists()
