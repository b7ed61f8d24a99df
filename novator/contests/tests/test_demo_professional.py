"""The demo's professional contests (novator/portal/demo/professional.py): run with only the steps they
need, they tell a consistent story and a second run creates nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import Count

from novator.contests.models import Application, Contest, ContestState, Diploma, Distinction, RoundEntry
from novator.portal.demo import loader
from novator.portal.demo.contests import load_experts
from novator.portal.demo.professional import load_professional

pytestmark = pytest.mark.django_db

STEPS = (
    loader.load_region,
    loader.load_municipalities,
    loader.load_organizations,
    loader.load_staff,
    loader.load_accounts,
    load_experts,
    load_professional,
)


def _run() -> Any:
    ctx = loader.DemoContext(log=lambda message: None)
    for step in STEPS:
        step(ctx)
    return ctx


def test_teacher_and_educator_of_the_year_are_published_with_winners_and_diplomas(
    django_assert_max_num_queries: Any,
) -> None:
    ctx = _run()
    assert ctx.created["professional_contests"] == 2
    contests = list(
        Contest.objects.filter(kind="professional").annotate(n=Count("categories")).order_by("title")
    )
    assert [(c.title, c.state, c.n) for c in contests] == [
        ("Воспитатель года — 2024", ContestState.PUBLISHED, 2),
        ("Учитель года — 2024", ContestState.PUBLISHED, 3),
    ]
    for contest in contests:
        assert contest.rounds.count() == 2 and not contest.rounds.exclude(state="closed").exists()
        winners = Application.objects.filter(contest=contest, distinction=Distinction.WINNER)
        assert winners.count() == contest.n  # one winner per nomination
        assert all(w.next_stage_at is not None for w in winners)
        eliminated = RoundEntry.objects.filter(round__contest=contest, round__position=1, advanced=False)
        assert eliminated.exists()
        accepted = Application.objects.filter(contest=contest, state="accepted")
        assert Diploma.objects.filter(application__in=accepted).count() == accepted.count()
    # three nominees without consent to publication
    assert (
        Application.objects.filter(
            contest__kind="professional", applicant__publication_consent_on__isnull=True
        ).count()
        == 3
    )
    with django_assert_max_num_queries(40):
        again = _run()
    assert again.created["professional_contests"] == 0
