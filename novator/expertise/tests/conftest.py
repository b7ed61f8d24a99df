"""Fixtures of the expertise tests: a status contest of «Выселковский район» in the expertise, with a
commission of experts from «Тихорецкий район», English messages.

contest: categories ДОУ (quota 1) and СОШ (quota 2); criteria «Актуальность» 0–3 × 1 and «Новизна»
0–10 × 0.5 (maximum 8, threshold 60 % = 4.80); two experts per application.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from novator.contests.tests.factories import ApplicationFactory, contest_with_setup
from novator.expertise.models import CommissionMember
from novator.organizations.tests.factories import OrganizationFactory

from .factories import (
    AssignmentFactory,
    CommissionFactory,
    CommissionMemberFactory,
    ExpertFactory,
    publish,
    submit_sheet,
)


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _empty_cache() -> Any:
    """The cached rankings of one test are not seen by the next (ids repeat after a rollback)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def client() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def contest(municipality: Any) -> Any:
    return contest_with_setup(organiser_municipality=municipality, expertise=True)


@pytest.fixture
def categories(contest: Any) -> dict[str, Any]:
    return {c.name: c for c in contest.categories.all()}


@pytest.fixture
def applications(contest: Any, categories: Any, org_a: Any, municipality: Any) -> list[Any]:
    """Three accepted applications: a school (org_a, СОШ) and two kindergartens (ДОУ)."""
    return [
        ApplicationFactory(contest=contest, organization=org_a, category=categories["СОШ"], accepted=True),
        ApplicationFactory(
            contest=contest,
            organization=OrganizationFactory(municipality=municipality, preschool=True),
            category=categories["ДОУ"],
            accepted=True,
        ),
        ApplicationFactory(
            contest=contest,
            organization=OrganizationFactory(municipality=municipality, preschool=True),
            category=categories["ДОУ"],
            accepted=True,
        ),
    ]


@pytest.fixture
def expert_profile(expert: Any, other_municipality: Any) -> Any:
    """The `expert` user's profile: from «Тихорецкий район», no organisation."""
    return ExpertFactory(user=expert, municipality=other_municipality)


@pytest.fixture
def chair(other_municipality: Any) -> Any:
    return ExpertFactory(municipality=other_municipality, user__last_name="Председателева")


@pytest.fixture
def conflicted(org_a: Any, municipality: Any) -> Any:
    """An expert who works in org_a, the applicant of applications[0]."""
    return ExpertFactory(organization=org_a, municipality=municipality, user__last_name="Конфликтова")


@pytest.fixture
def outsider(other_municipality: Any) -> Any:
    """An expert who is not a member of the commission."""
    return ExpertFactory(municipality=other_municipality, user__last_name="Посторонняя")


@pytest.fixture
def commission(
    contest: Any, chair: Any, expert_profile: Any, conflicted: Any, other_municipality: Any
) -> Any:
    """Chair, the `expert` user and the conflicted expert, plus one more expert."""
    commission = CommissionFactory(contest=contest, chair=chair)
    CommissionMemberFactory(commission=commission, expert=expert_profile)
    CommissionMemberFactory(commission=commission, expert=conflicted)
    CommissionMemberFactory(
        commission=commission, expert=ExpertFactory(municipality=other_municipality, user__last_name="Третья")
    )
    return commission


@pytest.fixture
def scored(commission, applications, expert_profile):
    """Every application scored by the `expert` user and the third member.

    СОШ: app0 7.50. ДОУ (quota 1): app2 7.00 (proposed), app1 5.50 (passes, beyond the quota)."""
    third = CommissionMember.objects.get(commission=commission, expert__user__last_name="Третья").expert
    points = {0: ([3, 10], [3, 8]), 1: ([3, 6], [2, 6]), 2: ([3, 8], [3, 8])}
    for index, (first, second) in points.items():
        submit_sheet(AssignmentFactory(application=applications[index], expert=expert_profile), first)
        submit_sheet(AssignmentFactory(application=applications[index], expert=third), second)
    publish(commission)
    return applications
