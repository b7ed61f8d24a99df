"""The contests API: the public list with filters, published results, applications scoped per role."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from novator.organizations.tests.factories import OrganizationFactory

from .factories import ApplicationFactory, ContestFactory, contest_with_setup, status_kind

pytestmark = pytest.mark.django_db

CONTESTS = "/api/v1/contests/"
APPLICATIONS = "/api/v1/applications/"


@pytest.fixture
def api():
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


def _login(api, request, role):
    if role != "anonymous":
        api.force_authenticate(request.getfixturevalue(role))


# ---------------------------------------------------------------------------------------------------
# Contests


def test_contest_list_fields(api, contest):
    response = api.get(CONTESTS)
    assert response.status_code == 200
    row = response.json()["results"][0]
    assert row["id"] == contest.pk
    assert row["status_kind"] == "MIP"
    assert row["academic_year"] == "2026/27"
    assert row["state"] == "announced"
    assert row["kind"] == "status"
    assert row["organiser"] == {
        "type": "municipality",
        "id": contest.organiser_municipality_id,
        "name": "Выселковский район",
        "oktmo": "03612000",
    }
    assert row["level"] == "municipal"
    assert row["organisers"] == [row["organiser"]]
    assert [c["name"] for c in row["categories"]] == ["ДОУ", "СОШ"]
    assert row["categories"][0]["quota"] == 1
    assert {c["name"] for c in row["criteria"]} == {"Актуальность", "Новизна"}
    assert Decimal(row["max_total"]) == Decimal(8)


def test_professional_contest_has_no_status_kind(api, municipality):
    ContestFactory(organiser_municipality=municipality, announced=True, professional=True)
    assert api.get(CONTESTS).json()["results"][0]["status_kind"] is None


def test_drafts_only_for_their_organisers(
    api, draft_contest, methodologist, other_methodologist, coordinator
):
    assert api.get(CONTESTS).json()["count"] == 0
    for user, count in ((coordinator, 0), (other_methodologist, 0), (methodologist, 1)):
        api.force_authenticate(user)
        assert api.get(CONTESTS).json()["count"] == count
    api.force_authenticate(None)
    assert api.get(f"{CONTESTS}{draft_contest.pk}/").status_code == 404


def test_contest_filters(api, municipality):
    mip = ContestFactory(organiser_municipality=municipality, announced=True, academic_year="2022/23")
    mlsv = ContestFactory(
        organiser_municipality=municipality,
        published=True,
        academic_year="2022/23",
        status_kind=status_kind("MLSV"),
    )
    professional = ContestFactory(organiser_municipality=municipality, announced=True, professional=True)

    def ids(**params):
        return {row["id"] for row in api.get(CONTESTS, params).json()["results"]}

    assert ids(status_kind="MLSV") == {mlsv.pk}
    assert ids(academic_year="2022/23") == {mip.pk, mlsv.pk}
    assert ids(kind="professional") == {professional.pk}
    assert ids(kind="status", state="announced") == {mip.pk}
    assert ids(status_kind="KIP") == set()
    assert ids(state="") == {mip.pk, mlsv.pk, professional.pk}


@pytest.mark.parametrize(
    "params",
    [{"kind": "lottery"}, {"academic_year": "2022"}, {"state": "finished"}, {"status_kind": "X" * 50}],
)
def test_bad_contest_filters_are_400(api, params):
    response = api.get(CONTESTS, params)
    assert response.status_code == 400
    assert set(response.json()) == set(params)


@pytest.mark.parametrize("count", [3, 25])
def test_contest_list_query_count(api, municipality, django_assert_max_num_queries, count):
    for _ in range(count):
        contest_with_setup(organiser_municipality=municipality, announced=True)
    with django_assert_max_num_queries(5):  # count, page, categories, criteria, co-organisers
        response = api.get(CONTESTS)
    assert response.json()["count"] == count


# ---------------------------------------------------------------------------------------------------
# Results


@pytest.fixture
def decided(municipality, org_a):
    contest = contest_with_setup(organiser_municipality=municipality, decided=True)
    preschool = OrganizationFactory(municipality=municipality, preschool=True)
    ApplicationFactory(
        contest=contest,
        organization=org_a,
        accepted=True,
        category=contest.categories.get(name="СОШ"),
        total=Decimal("7.50"),
        rank=1,
        awarded=True,
    )
    ApplicationFactory(
        contest=contest,
        organization=preschool,
        accepted=True,
        category=contest.categories.get(name="ДОУ"),
        total=Decimal("4.00"),
        rank=1,
        awarded=False,
    )
    ApplicationFactory(contest=contest, rejected=True)
    ApplicationFactory(contest=contest, state="withdrawn")
    return contest


@pytest.mark.parametrize("role", ["anonymous", "coordinator", "methodologist"])
def test_results_are_not_public_before_publication(api, request, decided, role):
    _login(api, request, role)
    response = api.get(f"{CONTESTS}{decided.pk}/results/")
    assert response.status_code == 404
    assert response.json()["detail"] == "The results of this contest are not published yet."


def test_results_after_publication(api, decided, org_a):
    decided.state = "published"
    decided.save()
    response = api.get(f"{CONTESTS}{decided.pk}/results/")
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["next"], body["previous"]) == (2, None, None)
    rows = body["results"]
    assert len(rows) == 2
    school = next(r for r in rows if r["organization"]["id"] == org_a.pk)
    assert school["organization"] == {
        "id": org_a.pk,
        "short_name": org_a.short_name,
        "kind": "school",
        "municipality": "03612000",  # its ОКТМО
    }
    assert school["category"]["name"] == "СОШ"
    assert (school["total"], school["rank"], school["awarded"]) == ("7.50", 1, True)
    preschool = next(r for r in rows if r["organization"]["id"] != org_a.pk)
    assert (preschool["organization"]["kind"], preschool["awarded"]) == ("preschool", False)


@pytest.mark.parametrize("extra", [3, 60])
def test_results_query_count(api, decided, django_assert_num_queries, extra):
    decided.state = "published"
    decided.save()
    for _ in range(extra):
        ApplicationFactory(contest=decided, accepted=True)
    with django_assert_num_queries(4):  # the contest, the count, the rows of the page, the appeals counted
        response = api.get(f"{CONTESTS}{decided.pk}/results/")
    assert response.status_code == 200
    assert len(response.json()["results"]) == min(2 + extra, 50)


def test_results_are_paginated_like_every_list(api, decided):
    decided.state = "published"
    decided.save()
    for _ in range(4):
        ApplicationFactory(contest=decided, accepted=True)
    url = f"{CONTESTS}{decided.pk}/results/"
    first = api.get(url, {"page_size": 4}).json()
    assert first["count"] == 6 and len(first["results"]) == 4 and first["previous"] is None
    assert "page=2" in first["next"]
    second = api.get(url, {"page_size": 4, "page": 2}).json()
    assert len(second["results"]) == 2 and second["next"] is None
    # the pages follow the order of the results (category, rank) without repeating a row
    ids = [r["id"] for r in first["results"] + second["results"]]
    whole = [r["id"] for r in api.get(url, {"page_size": 200}).json()["results"]]
    assert ids == whole and len(set(ids)) == 6
    assert api.get(url, {"page": 9}).status_code == 404
    assert api.get(url, {"page": "x"}).status_code == 404
    too_large = api.get(url, {"page_size": 10_000}).json()
    assert len(too_large["results"]) == 6  # capped at 200 a page


def test_the_schema_of_the_results_is_paginated():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/contests/{id}/results/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"page", "page_size"}
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    page = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert set(page["properties"]) == {"count", "next", "previous", "results", "appeals"}
    assert page["properties"]["results"]["items"]["$ref"].endswith("/ResultRow")
    assert set(page["properties"]["appeals"]["properties"]) == {
        "total",
        "pending",
        "rejected",
        "raised",
        "lowered",
    }


# ---------------------------------------------------------------------------------------------------
# Applications


@pytest.fixture
def applications(contest, org_a, org_b, other_municipality):
    own = ApplicationFactory(contest=contest, organization=org_a, submitted=True)
    neighbour = ApplicationFactory(contest=contest, submitted=True)
    foreign_contest = contest_with_setup(organiser_municipality=other_municipality, announced=True)
    foreign = ApplicationFactory(contest=foreign_contest, organization=org_b)
    return {"own": own, "neighbour": neighbour, "foreign": foreign}


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        ("coordinator", {"own"}),
        ("coordinator_b", {"foreign"}),
        ("methodologist", {"own", "neighbour"}),
        ("other_methodologist", {"foreign"}),
        ("teacher", set()),
        ("expert", set()),
        ("observer", set()),
        ("admin_user", {"own", "neighbour", "foreign"}),
    ],
)
def test_applications_are_scoped(api, request, applications, role, visible):
    _login(api, request, role)
    response = api.get(APPLICATIONS)
    assert response.status_code == 200
    expected = {applications[name].pk for name in visible}
    assert {row["id"] for row in response.json()["results"]} == expected
    for name, application in applications.items():
        status = api.get(f"{APPLICATIONS}{application.pk}/").status_code
        assert status == (200 if name in visible else 404)


def test_applications_need_an_account(api, applications):
    assert api.get(APPLICATIONS).status_code == 401


def test_application_fields_and_hidden_outcome(api, coordinator, methodologist, applications):
    own = applications["own"]
    own.total, own.rank, own.awarded = Decimal("5.00"), 3, True
    own.save()
    api.force_authenticate(coordinator)
    row = api.get(APPLICATIONS).json()["results"][0]
    assert set(row) == {
        "id",
        "contest",
        "organization",
        "category",
        "number",
        "project_title",
        "state",
        "submitted_at",
        "total",
        "rank",
        "awarded",
    }
    assert row["contest"] == own.contest_id
    assert row["organization"]["short_name"] == own.organization.short_name
    assert (row["total"], row["rank"], row["awarded"]) == (None, None, None)
    api.force_authenticate(methodologist)
    row = next(r for r in api.get(APPLICATIONS).json()["results"] if r["id"] == own.pk)
    assert (row["total"], row["rank"], row["awarded"]) == ("5.00", 3, True)
    own.contest.state = "published"
    own.contest.save()
    api.force_authenticate(coordinator)
    assert api.get(APPLICATIONS).json()["results"][0]["rank"] == 3


def test_application_filters(api, methodologist, applications, contest):
    api.force_authenticate(methodologist)
    assert api.get(APPLICATIONS, {"contest": contest.pk}).json()["count"] == 2
    assert api.get(APPLICATIONS, {"state": "draft"}).json()["count"] == 0
    assert api.get(APPLICATIONS, {"contest": "abc"}).status_code == 400


def test_applications_are_read_only(api, coordinator, applications):
    api.force_authenticate(coordinator)
    assert api.post(APPLICATIONS, {"project_title": "x"}).status_code == 405
    assert api.patch(f"{APPLICATIONS}{applications['own'].pk}/", {"project_title": "x"}).status_code == 405


@pytest.mark.parametrize("count", [3, 25])
def test_applications_query_count(api, methodologist, contest, django_assert_max_num_queries, count):
    for _ in range(count):
        ApplicationFactory(contest=contest, submitted=True, category=contest.categories.last())
    api.force_authenticate(methodologist)
    with django_assert_max_num_queries(3):  # roles, count, page
        response = api.get(APPLICATIONS)
    assert response.json()["count"] == count


# ---------------------------------------------------------------------------------------------------
# Levels and organisers


def test_intermunicipal_contest_lists_its_organisers_lead_first(
    api, municipality, other_municipality, region
):
    from novator.contests.models import ContestLevel

    contest = contest_with_setup(
        organiser_municipality=municipality, announced=True, level=ContestLevel.INTERMUNICIPAL
    )
    contest.coorganisers.set([other_municipality])
    regional = ContestFactory(
        level=ContestLevel.REGIONAL,
        organiser_region=region,
        organiser_municipality=None,
        announced=True,
        status_kind=status_kind("KIP"),
    )
    ContestFactory(organiser_municipality=municipality, announced=True)
    row = api.get(f"{CONTESTS}{contest.pk}/").json()
    assert row["level"] == "intermunicipal"
    assert row["organiser"]["name"] == "Выселковский район"
    assert row["organisers"] == [
        {"type": "municipality", "id": municipality.pk, "name": "Выселковский район", "oktmo": "03612000"},
        {
            "type": "municipality",
            "id": other_municipality.pk,
            "name": "Тихорецкий район",
            "oktmo": "03654000",
        },
    ]
    only = api.get(CONTESTS, {"level": "intermunicipal"}).json()
    assert [r["id"] for r in only["results"]] == [contest.pk]
    row = api.get(CONTESTS, {"level": "regional"}).json()["results"][0]
    assert row["id"] == regional.pk
    assert row["organisers"] == [{"type": "region", "id": region.pk, "name": region.name, "oktmo": "03"}]
    assert api.get(CONTESTS, {"level": "national"}).status_code == 400


@pytest.mark.parametrize("count", [2, 20])
def test_contest_list_with_coorganisers_query_count(
    api, municipality, other_municipality, django_assert_max_num_queries, count
):
    from novator.contests.models import ContestLevel

    for _ in range(count):
        contest = contest_with_setup(
            organiser_municipality=municipality, announced=True, level=ContestLevel.INTERMUNICIPAL
        )
        contest.coorganisers.set([other_municipality])
    with django_assert_max_num_queries(5):  # count, page, categories, criteria, co-organisers
        response = api.get(CONTESTS)
    assert len(response.json()["results"]) == count
