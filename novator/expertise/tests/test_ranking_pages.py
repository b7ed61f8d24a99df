"""The ranking page is paginated per category: the summary covers the whole category, override inputs are
drawn for the visible rows only, and overrides posted from any page are confirmed."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.contrib.messages import constants, get_messages
from django.urls import reverse

from novator.contests.models import Application, ContestState
from novator.contests.tests.factories import ApplicationFactory
from novator.expertise.views import results as results_views
from novator.organizations.tests.factories import OrganizationFactory

from .factories import AssignmentFactory, publish, submit_sheet

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_per_page(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(results_views, "RANKING_PAGE_SIZE", 1)


@pytest.fixture
def low(scored: Any, contest: Any, municipality: Any, expert_profile: Any) -> Any:
    """A third kindergarten, below the threshold: ДОУ is app2 7.00, app1 5.50, low 0.00."""
    application: Any = ApplicationFactory(
        contest=contest,
        organization=OrganizationFactory(municipality=municipality, preschool=True),
        category=contest.categories.get(name="ДОУ"),
        accepted=True,
    )
    assignment: Any = AssignmentFactory(application=application, expert=expert_profile)
    submit_sheet(assignment, [0, 0])
    return application


def page(client: Any, contest: Any, query: str = "") -> str:
    response = client.get(reverse("expertise:ranking", args=[contest.pk]) + query)
    assert response.status_code == 200
    return response.content.decode()


def test_one_page_per_category_with_the_whole_category_summary(
    client: Any, chair: Any, scored: Any, low: Any, contest: Any, one_per_page: None
) -> None:
    dou = contest.categories.get(name="ДОУ")
    client.force_login(chair.user)
    body = page(client, contest)
    assert 'data-ranking-summary="3 2 1"' in body  # ДОУ: 3 applications, 2 pass, 1 proposed (quota 1)
    assert 'data-ranking-summary="1 1 1"' in body  # СОШ
    assert f'name="override_{scored[2].pk}"' in body
    assert f'name="override_{scored[1].pk}"' not in body and f'name="override_{low.pk}"' not in body
    assert f'data-ranking-pages="page-{dou.pk}"' in body
    assert 'data-threshold-page="3"' in body and "table-danger" not in body

    second = page(client, contest, f"?page-{dou.pk}=2")
    assert f'name="override_{scored[1].pk}"' in second and f'name="override_{scored[2].pk}"' not in second
    assert f'name="override_{scored[0].pk}"' in second  # СОШ stays on its first page

    third = page(client, contest, f"?page-{dou.pk}=3")
    assert f'name="override_{low.pk}"' in third and "table-danger" in third  # the threshold line
    assert "data-threshold-page" not in third

    for bad in ("abc", "-1", "999", ""):
        assert page(client, contest, f"?page-{dou.pk}={bad}")


def test_overrides_posted_from_another_page_are_confirmed(
    client: Any, chair: Any, scored: Any, contest: Any, one_per_page: None
) -> None:
    dou = contest.categories.get(name="ДОУ")
    client.force_login(chair.user)
    data = {
        "minutes_number": "3",
        "minutes_date": "2023-06-01",
        f"override_{scored[1].pk}": "award",
        f"reason_{scored[1].pk}": "Квота увеличена",
    }
    # posted to page 1 of ДОУ, where scored[1] (page 2) is not drawn: the posted override still counts
    response = client.post(reverse("expertise:ranking", args=[contest.pk]) + f"?page-{dou.pk}=1", data)
    assert response.status_code == 302
    contest.refresh_from_db()
    assert contest.state == ContestState.DECIDED
    assert Application.objects.get(pk=scored[1].pk).awarded


def test_an_override_without_a_reason_on_the_second_page_changes_nothing(
    client: Any, chair: Any, scored: Any, contest: Any, one_per_page: None
) -> None:
    dou = contest.categories.get(name="ДОУ")
    client.force_login(chair.user)
    data = {"minutes_number": "3", "minutes_date": "2023-06-01", f"override_{scored[1].pk}": "award"}
    response = client.post(reverse("expertise:ranking", args=[contest.pk]) + f"?page-{dou.pk}=2", data)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'aria-invalid="true"' in body
    # the chair's choice is kept in the drawn select, the other choices are offered unselected
    assert '<option value="award" selected>' in body
    assert '<option value="refuse">' in body and '<option value="">' in body
    contest.refresh_from_db()
    assert contest.state == ContestState.EXPERTISE
    assert not Application.objects.get(pk=scored[1].pk).awarded


@pytest.mark.parametrize("size", [3, 12])
def test_the_query_count_of_a_paginated_ranking_does_not_grow(
    client: Any,
    chair: Any,
    commission: Any,
    contest: Any,
    municipality: Any,
    expert_profile: Any,
    django_assert_num_queries: Any,
    monkeypatch: pytest.MonkeyPatch,
    size: int,
) -> None:
    monkeypatch.setattr(results_views, "RANKING_PAGE_SIZE", 2)
    for _ in range(size):
        application = ApplicationFactory(
            contest=contest, organization=OrganizationFactory(municipality=municipality), accepted=True
        )
        assignment: Any = AssignmentFactory(application=application, expert=expert_profile)
        submit_sheet(assignment, [2, 5])
    publish(commission)
    client.force_login(chair.user)
    # computed (a miss of the ranking cache: the fingerprint, then the figures; the applications shown)
    with django_assert_num_queries(12):
        body = page(client, contest)
    assert body.count('name="override_') == 2
    # cached: the fingerprint and the applications of the visible page, not the sheets (nor the experts of
    # the agreement: with one expert there are none)
    with django_assert_num_queries(9):
        cached = page(client, contest)
    # (the one-time token of the confirmation form is new at every render)
    token = re.compile(
        r'name="csrfmiddlewaretoken" value="[^"]*"|"X-CSRFToken": "[^"]*"|name="_submit_token" value="[^"]*"'
    )
    assert token.sub("", cached) == token.sub("", body)


def test_an_error_of_a_row_on_another_page_is_shown_as_a_message(
    client: Any, chair: Any, scored: Any, contest: Any, one_per_page: None
) -> None:
    dou = contest.categories.get(name="ДОУ")
    client.force_login(chair.user)
    data = {"minutes_number": "3", "minutes_date": "2023-06-01", f"override_{scored[1].pk}": "award"}
    response = client.post(reverse("expertise:ranking", args=[contest.pk]) + f"?page-{dou.pk}=1", data)
    assert response.status_code == 200
    errors = [m for m in get_messages(response.wsgi_request) if m.level == constants.ERROR]
    assert len(errors) == 1 and str(scored[1]) in errors[0].message
    contest.refresh_from_db()
    assert contest.state == ContestState.EXPERTISE


def test_a_long_ranking_is_shown_one_category_at_a_time(
    client: Any,
    chair: Any,
    scored: Any,
    low: Any,
    contest: Any,
    monkeypatch: pytest.MonkeyPatch,
    django_assert_max_num_queries: Any,
) -> None:
    monkeypatch.setattr(results_views, "RANKING_ALL_CATEGORIES_UP_TO", 3)
    dou = contest.categories.get(name="ДОУ")
    sosh = contest.categories.get(name="СОШ")
    client.force_login(chair.user)
    first = page(client, contest)
    assert "data-ranking-categories" in first
    assert f'href="?category={dou.pk}"' in first and f'href="?category={sosh.pk}"' in first
    # the first category only: its rows and its override inputs
    assert 'data-ranking-summary="3 2 1"' in first and 'data-ranking-summary="1 1 1"' not in first
    assert f'name="override_{low.pk}"' in first and f'name="override_{scored[0].pk}"' not in first

    second = page(client, contest, f"?category={sosh.pk}")
    assert 'data-ranking-summary="1 1 1"' in second and 'data-ranking-summary="3 2 1"' not in second
    assert f'name="override_{scored[0].pk}"' in second and f'name="override_{low.pk}"' not in second
    assert 'aria-current="page"' in second

    for bad in ("abc", "-1", "999999", "<script>"):
        body = page(client, contest, f"?category={bad}")
        assert 'data-ranking-summary="3 2 1"' in body and "<script>" not in body

    # a decision posted from one category's page about another's application is confirmed
    data = {
        "minutes_number": "3",
        "minutes_date": "2023-06-01",
        f"override_{scored[1].pk}": "award",
        f"reason_{scored[1].pk}": "Квота увеличена",
    }
    response = client.post(reverse("expertise:ranking", args=[contest.pk]) + f"?category={sosh.pk}", data)
    assert response.status_code == 302
    assert Application.objects.get(pk=scored[1].pk).awarded


def test_all_categories_are_shown_when_the_ranking_is_short(
    client: Any, chair: Any, scored: Any, contest: Any
) -> None:
    client.force_login(chair.user)
    body = page(client, contest)
    assert "data-ranking-categories" not in body
    assert 'data-ranking-summary="2 2 1"' in body and 'data-ranking-summary="1 1 1"' in body


def test_a_large_commission_shows_the_experts_who_deviate_most(
    client: Any, chair: Any, scored: Any, contest: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from novator.expertise.ranking import contest_ranking

    leniency = contest_ranking(contest).agreement.leniency  # type: ignore[union-attr]
    assert len(leniency) >= 2
    client.force_login(chair.user)
    assert "data-leniency-shown" not in page(client, contest)
    monkeypatch.setattr(results_views, "LENIENCY_TABLE_SIZE", 1)
    monkeypatch.setattr(results_views, "LENIENCY_CHART_SIZE", 1)
    body = page(client, contest)
    assert 'data-leniency-shown="1"' in body
    most = max(leniency, key=lambda item: abs(item.mean_deviation))
    others = [item for item in leniency if item is not most]
    table = body.split("leniency-data")[0]
    assert most.expert.user.display_name in table
    assert all(item.expert.user.display_name not in table.split("<caption>")[1] for item in others)
    chart = body.split('id="leniency-data"')[1].split("</script>")[0]
    assert json.loads(chart.split(">", 1)[1])["names"] == [most.name]
