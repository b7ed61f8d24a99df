from __future__ import annotations

import datetime

import pytest
from rest_framework.test import APIClient

from novator.accounts.tests.factories import api_token_for
from novator.organizations.tests.factories import OrganizationFactory
from novator.statuses.models import StatusAssignment, StatusKind
from novator.statuses.tests.factories import StatusAssignmentFactory

pytestmark = pytest.mark.django_db

STATUSES = "/api/v1/statuses/"
KINDS = "/api/v1/status-kinds/"
D = datetime.date


@pytest.fixture
def api() -> APIClient:
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


def as_user(client: APIClient, user) -> APIClient:
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user)}")
    return client


def kind(code: str) -> StatusKind:
    return StatusKind.objects.get(code=code)


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["results"]}


def test_list_is_public_paginated_and_has_the_documented_fields(api, org_a, today):
    assignment = StatusAssignmentFactory(
        organization=org_a,
        kind=kind("MLSV"),
        revoked=True,
        order_number="512",
        order_date=D(2022, 8, 25),
        project_title="Сеть",
    )
    StatusAssignmentFactory.create_batch(2)
    body = api.get(STATUSES, {"page_size": 2}).json()
    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert "page=2" in body["next"]
    item = api.get(f"{STATUSES}{assignment.pk}/").json()
    assert item == {
        "id": assignment.pk,
        "organization": {
            "id": org_a.pk,
            "short_name": org_a.short_name,
            "inn": org_a.inn,
            "kind": "school",
            "municipality": "03612000",
        },
        "kind": "MLSV",
        "kind_name": "муниципальный лидер сетевого взаимодействия",
        "starts_on": "2022-09-01",
        "ends_on": "2025-08-31",
        "state": "revoked",
        "order_number": "512",
        "order_date": "2022-08-25",
        "project_title": "Сеть",
        "revoked_on": "2024-02-01",
    }


def test_filters(api, org_a, org_b, today):
    mip_a = StatusAssignmentFactory(organization=org_a, kind=kind("MIP"), active=True)
    mlsv_a = StatusAssignmentFactory(organization=org_a, kind=kind("MLSV"), expired=True)
    mip_b = StatusAssignmentFactory(organization=org_b, kind=kind("MIP"), starts_on=D(2023, 9, 1))
    revoked_b = StatusAssignmentFactory(organization=org_b, kind=kind("KIP"), revoked=True)

    def found(**params):
        return ids(api.get(STATUSES, params))

    assert found(kind="MIP") == {mip_a.pk, mip_b.pk}
    assert found(kind="mip") == {mip_a.pk, mip_b.pk}
    assert found(municipality="03654000") == {mip_b.pk, revoked_b.pk}
    assert found(state="active") == {mip_a.pk, mip_b.pk}
    assert found(state="expired") == {mlsv_a.pk}
    assert found(state="revoked") == {revoked_b.pk}
    assert found(year="2023/24") == {mip_b.pk}
    assert found(year="2022/23") == {mip_a.pk, revoked_b.pk}
    assert found(organization=org_a.pk) == {mip_a.pk, mlsv_a.pk}
    assert found(kind="MIP", municipality="03612000", state="active", year="2022/23") == {mip_a.pk}
    assert found(municipality="03600000") == set()


def test_search_and_ordering(api, municipality):
    birch = StatusAssignmentFactory(
        organization=OrganizationFactory(municipality=municipality, short_name="Детский сад «Берёзка»"),
        starts_on=D(2021, 9, 1),
    )
    other = StatusAssignmentFactory(starts_on=D(2023, 9, 1))
    assert ids(api.get(STATUSES, {"search": "БЕРЕЗКА"})) == {birch.pk}
    order = [i["id"] for i in api.get(STATUSES, {"ordering": "starts_on"}).json()["results"]]
    assert order == [birch.pk, other.pk]
    order = [i["id"] for i in api.get(STATUSES).json()["results"]]
    assert order == [other.pk, birch.pk]  # newest first by default


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "NOPE"},
        {"kind": "x" * 21},
        {"state": "lost"},
        {"year": "2022/24"},
        {"year": "last year"},
        {"municipality": "abc"},
        {"municipality": "1" * 12},
        {"organization": "first"},
        {"organization": "0"},
        {"ordering": "password"},
    ],
)
def test_bad_filter_values_are_400_naming_the_parameter(api, params):
    response = api.get(STATUSES, params)
    assert response.status_code == 400
    assert set(response.json()) == set(params)


def test_empty_parameters_mean_no_filter(api):
    StatusAssignmentFactory.create_batch(2)
    params = {"kind": "", "municipality": "", "state": "", "year": "", "search": "", "ordering": ""}
    assert len(ids(api.get(STATUSES, params))) == 2


def test_unknown_or_malformed_id_is_404(api):
    assert api.get(f"{STATUSES}999999/").status_code == 404
    assert api.get(f"{STATUSES}abc/").status_code == 404


@pytest.mark.parametrize("count", [5, 40])
def test_list_query_count_does_not_grow(
    api, municipality, methodologist, django_assert_max_num_queries, count
):
    for _ in range(count):
        StatusAssignmentFactory(organization=OrganizationFactory(municipality=municipality))
    # anonymous: count + page
    with django_assert_max_num_queries(2):
        response = api.get(STATUSES, {"municipality": "03612000", "state": "expired", "year": "2022/23"})
    assert response.status_code == 200
    # + the check that the kind exists
    with django_assert_max_num_queries(3):
        assert api.get(STATUSES, {"kind": "MIP", "page_size": 200}).json()["count"] == count
    # with a token: + the token and its user
    as_user(api, methodologist)
    with django_assert_max_num_queries(3):
        assert api.get(STATUSES).status_code == 200


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_no_writes(api, methodologist, admin_user, method):
    assignment = StatusAssignmentFactory()
    as_user(api, admin_user)
    assert getattr(api, method)(STATUSES, {}, format="json").status_code == 405
    if method != "post":
        response = getattr(api, method)(
            f"{STATUSES}{assignment.pk}/", {"ends_on": "2030-01-01"}, format="json"
        )
        assert response.status_code == 405
    assert getattr(api, method)(KINDS, {}, format="json").status_code == 405
    assert StatusAssignment.objects.get().ends_on == assignment.ends_on


def test_status_kinds(api, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        body = api.get(KINDS).json()
    codes = [k["code"] for k in body["results"]]
    assert codes[:5] == ["MIP", "MLSV", "KIP", "RIP", "FIP"]  # municipal, then regional, then federal
    mip = api.get(f"{KINDS}MIP/").json()
    assert mip == {
        "code": "MIP",
        "abbreviation": "МИП",
        "name": "муниципальная инновационная площадка",
        "level": "municipal",
        "default_term_years": 3,
        "description": "",
    }
    assert api.get(f"{KINDS}NOPE/").status_code == 404
