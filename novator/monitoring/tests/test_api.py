from __future__ import annotations

import pytest

from novator.monitoring import services
from novator.monitoring.models import MonitoringYear
from novator.organizations.tests.factories import OrganizationFactory

from .factories import catalogue, record

pytestmark = pytest.mark.django_db

Y = "2023/24"


@pytest.fixture
def published(org_a, org_b):
    catalogue()
    record(org_a, Y, 10, 5, 5)
    record(org_b, Y, 10, 2, 1)
    services.values_recompute(actor=None, academic_year=Y)
    MonitoringYear.objects.filter(academic_year=Y).update(published=True)


def test_indicators_are_listed(client, published):
    response = client.get("/api/v1/indicators/")
    assert response.status_code == 200
    codes = [i["code"] for i in response.json()["results"]]
    assert "index" in codes and "involved_share" in codes


def test_the_public_gets_published_aggregates_only(client, published, municipality):
    response = client.get(
        "/api/v1/monitoring/values/",
        {"indicator": "index", "academic_year": Y, "municipality": municipality.oktmo},
    )
    assert response.status_code == 200
    rows = response.json()["results"]
    assert rows and {r["level"] for r in rows} == {"municipality"}


def test_a_coordinator_gets_its_own_organisation(client, published, coordinator, org_a, org_b):
    client.force_login(coordinator)
    rows = client.get("/api/v1/monitoring/values/", {"level": "organization", "indicator": "index"}).json()[
        "results"
    ]
    assert [r["organization"] for r in rows] == [org_a.pk]


def test_unpublished_years_are_not_served(client, published):
    MonitoringYear.objects.update(published=False)
    assert client.get("/api/v1/monitoring/values/").json()["results"] == []


def test_bad_filters_are_explained(client, published):
    response = client.get("/api/v1/monitoring/values/", {"academic_year": "2023-2025", "municipality": "abc"})
    assert response.status_code == 400
    assert set(response.json()) >= {"academic_year", "municipality"}


def test_the_values_list_query_count_is_fixed(
    client, published, admin_user, municipality, django_assert_max_num_queries
):
    client.force_login(admin_user)
    client.get("/api/v1/monitoring/values/")
    for _ in range(10):
        record(OrganizationFactory(municipality=municipality), Y, 10, 5, 5)
    services.values_recompute(actor=None, academic_year=Y)
    with django_assert_max_num_queries(5):  # session, user, roles, count, page
        response = client.get("/api/v1/monitoring/values/", {"page_size": 200})
    assert response.json()["count"] > 20


def test_every_filter_narrows_the_values(client, published, admin_user, org_a, org_b, municipality):
    client.force_login(admin_user)
    url = "/api/v1/monitoring/values/"
    rows = client.get(url, {"organization": org_a.pk, "page_size": 200}).json()["results"]
    assert rows and {r["organization"] for r in rows} == {org_a.pk}
    assert {r["indicator"] for r in rows} == {"index", "involved_share", "partners"}
    index = client.get(url, {"indicator": "index", "organization": org_a.pk}).json()["results"]
    assert [(r["indicator"], r["level"], r["academic_year"]) for r in index] == [("index", "organization", Y)]
    by_oktmo = client.get(url, {"municipality": municipality.oktmo, "page_size": 200}).json()["results"]
    assert by_oktmo and {r["municipality"] for r in by_oktmo} == {municipality.oktmo}
    assert client.get(url, {"academic_year": "2022/23"}).json()["results"] == []
    assert client.get(url, {"indicator": "nope"}).json()["results"] == []
    assert client.get(url, {"organization": "x"}).status_code == 400
