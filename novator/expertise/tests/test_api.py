"""GET /api/v1/score-sheets/: read-only, scoped to the user, with a pinned query count."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from novator.accounts.tests.factories import api_token_for
from novator.contests.tests.factories import ApplicationFactory
from novator.expertise.models import ScoreSheet
from novator.organizations.tests.factories import OrganizationFactory

from .factories import AssignmentFactory, submit_sheet

pytestmark = pytest.mark.django_db

SHEETS = "/api/v1/score-sheets/"


@pytest.fixture
def api() -> APIClient:
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


def as_user(client, user):
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user)}")
    return client


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_anonymous_is_refused(api, scored):
    assert api.get(SHEETS).status_code in (401, 403)


def test_an_expert_sees_only_their_own_sheets_with_scores(api, scored, expert, expert_profile, contest):
    own = set(ScoreSheet.objects.filter(assignment__expert=expert_profile).values_list("pk", flat=True))
    response = as_user(api, expert).get(SHEETS)
    assert ids(response) == own and len(own) == 3
    row = next(r for r in response.json()["results"] if r["application"]["id"] == scored[0].pk)
    assert row["contest"] == contest.pk and row["state"] == "submitted"
    assert row["expert"]["id"] == expert_profile.pk
    assert [(s["criterion_name"], s["points"]) for s in row["scores"]] == [
        ("Актуальность", "3.0"),
        ("Новизна", "10.0"),
    ]
    detail = as_user(api, expert).get(f"{SHEETS}{row['id']}/")
    assert detail.status_code == 200 and detail.json()["conclusion"] == "Проект рекомендуется."


def test_the_organiser_and_the_chair_see_the_contest(api, scored, methodologist, chair, other_methodologist):
    every = set(ScoreSheet.objects.values_list("pk", flat=True))
    assert ids(as_user(api, methodologist).get(SHEETS)) == every
    assert ids(as_user(api, chair.user).get(SHEETS, {"contest": scored[0].contest_id})) == every
    assert ids(as_user(api, other_methodologist).get(SHEETS)) == set()


@pytest.mark.parametrize("who", ["coordinator", "coordinator_b", "observer", "teacher"])
def test_applicants_and_others_see_nothing(api, scored, request, who):
    assert ids(as_user(api, request.getfixturevalue(who)).get(SHEETS)) == set()


def test_unpublished_and_conflicted_sheets_are_hidden_from_experts(
    api, commission, applications, expert_profile, conflicted, expert
):
    AssignmentFactory(application=applications[1], expert=expert_profile)
    assert ids(as_user(api, expert).get(SHEETS)) == set()  # not published
    sheet = AssignmentFactory(application=applications[0], expert=conflicted).sheet
    commission.assignments_published_at = "2024-01-01T10:00:00Z"
    commission.save()
    assert ids(as_user(api, conflicted.user).get(SHEETS)) == set()
    assert as_user(api, conflicted.user).get(f"{SHEETS}{sheet.pk}/").status_code == 404


def test_filters_and_bad_filters(api, scored, methodologist, expert_profile):
    client = as_user(api, methodologist)
    assert ids(client.get(SHEETS, {"application": scored[1].pk})) == set(
        ScoreSheet.objects.filter(assignment__application=scored[1]).values_list("pk", flat=True)
    )
    assert ids(client.get(SHEETS, {"state": "draft"})) == set()
    assert client.get(SHEETS, {"state": "bogus"}).status_code == 400
    assert client.get(SHEETS, {"contest": "abc"}).status_code == 400


def test_read_only(api, scored, expert):
    sheet = ScoreSheet.objects.filter(assignment__expert__user=expert).first()
    client = as_user(api, expert)
    assert client.post(SHEETS, {}).status_code == 405
    assert client.patch(f"{SHEETS}{sheet.pk}/", {"conclusion": "x"}).status_code == 405


@pytest.mark.parametrize("count", [2, 12])
def test_list_query_count_is_pinned(
    api,
    commission,
    contest,
    municipality,
    expert_profile,
    methodologist,
    django_assert_max_num_queries,
    count,
):
    for _ in range(count):
        application = ApplicationFactory(
            contest=contest, organization=OrganizationFactory(municipality=municipality), accepted=True
        )
        submit_sheet(AssignmentFactory(application=application, expert=expert_profile), [2, 5])
    client = as_user(api, methodologist)
    # token + user, scope, count, page, scores
    with django_assert_max_num_queries(5):
        response = client.get(SHEETS)
    assert response.json()["count"] == count
    client = as_user(api, expert_profile.user)
    commission.assignments_published_at = "2024-01-01T10:00:00Z"
    commission.save()
    with django_assert_max_num_queries(5):
        assert len(client.get(SHEETS).json()["results"]) == count


def test_schema_lists_the_endpoint(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    assert "/api/v1/score-sheets/" in schema["paths"]
    parameters = {p["name"] for p in schema["paths"]["/api/v1/score-sheets/"]["get"]["parameters"]}
    assert {"contest", "application", "state", "page"} <= parameters
