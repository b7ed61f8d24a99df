"""The fast reads of the ranking give the same results as the straightforward ones they replaced.

`contest_ranking` reads plain tuples (one joined query) instead of model instances, reuses the sheet totals
for the raw ranking, and `_largest_complete_block` intersects bitsets with a pruning bound; each is compared
here with a reference written the simple way, on randomized contests and designs.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Hashable
from decimal import ROUND_HALF_UP, Decimal
from itertools import combinations
from typing import Any, cast

import pytest

from novator.contests import scoring
from novator.contests.tests.factories import ApplicationFactory
from novator.expertise import agreement
from novator.expertise.models import Assignment, Expert, Score, ScoreSheet
from novator.expertise.ranking import contest_ranking
from novator.expertise.selectors._common import accepted_applications, contest_criteria, criterion_specs
from novator.organizations.tests.factories import OrganizationFactory

from .factories import AssignmentFactory, ExpertFactory, submit_sheet
from .ranking import ApplicationScores, rank_contest
from .test_ranking_columns import reference_calibrated_sheets, reference_rank_category


def reference_block(
    by_app: dict[Hashable, dict[Hashable, float]], max_subset: int = 8
) -> tuple[list[Hashable], list[Hashable]]:
    """The former set-based search, kept as the reference."""
    apps_of: dict[Hashable, set[Hashable]] = defaultdict(set)
    for application, totals in by_app.items():
        for expert in totals:
            apps_of[expert].add(application)
    seen: set[frozenset[Hashable]] = set()
    best: tuple[int, int, list[Hashable], list[Hashable]] = (0, 0, [], [])
    for totals in by_app.values():
        experts = sorted(totals, key=str)
        sizes = range(2, len(experts) + 1) if len(experts) <= max_subset else [len(experts)]
        for size in sizes:
            for subset in combinations(experts, size):
                key = frozenset(subset)
                if key in seen:
                    continue
                seen.add(key)
                common = set.intersection(*(apps_of[e] for e in subset))
                score = (len(subset) * len(common), len(subset))
                if len(common) >= 2 and score > best[:2]:
                    best = (*score, list(subset), sorted(common, key=str))
    return best[2], best[3]


@pytest.mark.parametrize("seed", range(6))
def test_the_largest_complete_block_is_the_same_as_the_set_search(seed: int) -> None:
    rng = random.Random(seed)
    for trial in range(60):
        experts = rng.randint(2, 14)
        applications = rng.randint(1, 60)
        per_app = rng.randint(1, experts)
        by_app: dict[Hashable, dict[Hashable, float]] = {}
        for a in range(applications):
            key: Hashable = f"a{a}" if trial % 2 else a
            chosen = rng.sample(range(experts), rng.randint(1, min(experts, per_app + 2)))
            by_app[key] = {(f"e{e}" if trial % 3 == 0 else e): float(rng.randint(0, 5)) for e in chosen}
        assert agreement._largest_complete_block(by_app) == reference_block(by_app), (seed, trial)
        assert agreement._largest_complete_block(by_app, max_subset=3) == reference_block(by_app, 3)


def reference_inputs(contest: Any) -> tuple[list[ApplicationScores], list[tuple[int, int, float]]]:
    """The scores read with model instances, as the selector did before."""
    specs = criterion_specs(contest_criteria(contest))
    submitted: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for assignment in Assignment.objects.filter(application__contest=contest).select_related("sheet"):
        sheet = getattr(assignment, "sheet", None)
        if sheet is not None and sheet.state == ScoreSheet.State.SUBMITTED:
            submitted[assignment.application_id].append((sheet.pk, assignment.expert_id))
    points: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for score in Score.objects.filter(sheet__state=ScoreSheet.State.SUBMITTED):
        if score.points is not None:
            points[score.sheet_id][score.criterion_id] = score.points
    data, raw_sheets = [], []
    for a in accepted_applications(contest):
        sheets = sorted(submitted[a.pk])
        data.append(
            ApplicationScores(
                id=a.pk,
                category_id=a.category_id,
                number=a.number,
                submitted_at=a.submitted_at,
                sheets=tuple(scoring.SheetScores(points[s], s) for s, _e in sheets),
            )
        )
        raw_sheets += [(e, a.pk, float(scoring.sheet_total(points[s], specs))) for s, e in sheets]
    return data, raw_sheets


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_ranking_matches_the_reference_on_a_random_contest(
    seed: int, contest: Any, municipality: Any, other_municipality: Any
) -> None:
    rng = random.Random(seed)
    categories = list(contest.categories.order_by("position"))
    experts = [ExpertFactory(municipality=other_municipality) for _ in range(6)]
    applications: list[Any] = [
        ApplicationFactory(
            contest=contest,
            organization=OrganizationFactory(municipality=municipality),
            category=rng.choice([*categories, None]),
            accepted=True,
        )
        for _ in range(14)
    ]
    ApplicationFactory(
        contest=contest, organization=OrganizationFactory(municipality=municipality), submitted=True
    )
    for application in applications:
        for expert in rng.sample(experts, rng.randint(0, 4)):
            assignment: Any = AssignmentFactory(application=application, expert=expert)
            fate = rng.random()
            if fate < 0.75:  # submitted; otherwise a draft or never opened
                submit_sheet(assignment, [rng.randint(0, 3), rng.choice([0, 2.5, 5, 7, 10])])
            elif fate < 0.85:
                Score.objects.create(sheet=assignment.sheet, criterion=contest.criteria.first(), points=3)
    contest.calibration_min_sheets = 2
    contest.save()

    ranking = contest_ranking(contest)

    data, raw_sheets = reference_inputs(contest)
    specs = criterion_specs(contest_criteria(contest))
    quotas: dict[int | None, int | None] = {c.pk: c.quota for c in categories}
    quotas[None] = None
    expected = rank_contest(data, specs, threshold=contest.threshold_points, quotas=quotas)
    got = {row.application.pk: row for row in ranking.rows}
    assert sorted(got) == sorted(a.pk for a in applications)
    for rows in expected.values():
        for row in rows:
            assert got[row.application_id].raw == row
    assigned: dict[int, int] = defaultdict(int)
    for application_id in Assignment.objects.filter(application__contest=contest).values_list(
        "application_id", flat=True
    ):
        assigned[application_id] += 1
    assert {pk: row.assigned for pk, row in got.items()} == {a.pk: assigned[a.pk] for a in applications}
    assert ranking.agreement is not None
    assert ranking.agreement.concordance == agreement.concordance(raw_sheets)
    names = {item.expert_id: item.name for item in ranking.agreement.leniency}
    assert names == {
        e.pk: e.user.display_name for e in Expert.objects.filter(pk__in=names).select_related("user")
    }
    spreads = {s.application: s for s in agreement.spreads(raw_sheets, float(contest.spread_threshold))}
    assert {pk: row.spread for pk, row in got.items() if row.spread} == spreads
    # the calibrated ranking: the former pipeline (per-object calibration, Decimal sheet totals)
    calibrated = reference_calibrated_sheets(
        raw_sheets, (0.0, float(contest.max_total)), max(2, contest.calibration_min_sheets)
    )
    calibrated_totals: dict[int, list[Decimal]] = defaultdict(list)
    for expert_id, application, _total in raw_sheets:
        value = Decimal(str(calibrated[(expert_id, application)]))
        calibrated_totals[cast(int, application)].append(
            value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        )
    by_category: dict[int | None, list[ApplicationScores]] = defaultdict(list)
    for app in data:
        by_category[app.category_id].append(app)
    for category_id, apps in by_category.items():
        for row in reference_rank_category(
            apps,
            specs,
            threshold=contest.threshold_points,
            quota=quotas.get(category_id),
            sheet_totals=calibrated_totals,
        ):
            assert got[row.application_id].calibrated == row
    assert {item.expert_id for item in ranking.agreement.leniency} == {
        item.expert for item in agreement.leniency(raw_sheets)
    }
