"""The API: the public catalogue with the page's search, scoped adoptions, the open-data export."""

from __future__ import annotations

import csv
import io
import json

import pytest
from rest_framework.test import APIClient

from novator.accounts.tests.factories import api_token_for

from .factories import AdoptionFactory, MethodProductFactory

pytestmark = pytest.mark.django_db
PRODUCTS = "/api/v1/products/"
ADOPTIONS = "/api/v1/adoptions/"


@pytest.fixture
def api() -> APIClient:
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


def as_user(client: APIClient, user) -> APIClient:
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user)}")
    return client


def test_products_are_public_with_adoption_figures(api, org_a):
    product = MethodProductFactory(title="Инновационные практики", authors=[org_a], approved=True)
    AdoptionFactory(product=product, rating=4)
    AdoptionFactory(product=product, rating=5)
    MethodProductFactory(draft=True)
    body = api.get(PRODUCTS).json()
    assert body["count"] == 1
    item = body["results"][0]
    assert item["adoption_count"] == 2 and item["average_rating"] == 4.5
    assert item["author_organizations"][0]["municipality"] == "03612000"
    assert item["audience_kinds"] == ["school"]
    assert item["council_decision"] == "recommended"


def test_search_uses_the_catalogues_morphology(api):
    MethodProductFactory(title="Управление введением инноваций")
    MethodProductFactory(title="Развитие речи")
    titles = [i["title"] for i in api.get(PRODUCTS, {"search": "инновационный"}).json()["results"]]
    assert titles == ["Управление введением инноваций"]


@pytest.mark.parametrize(
    "params", [{"type": "poem"}, {"year": "2022/24"}, {"municipality": "abc"}, {"ordering": "x"}]
)
def test_bad_filters_are_refused(api, params):
    response = api.get(PRODUCTS, params)
    assert response.status_code == 400


@pytest.mark.parametrize("count", [5, 30])
def test_product_list_query_count_does_not_grow(api, org_a, org_b, count, django_assert_max_num_queries):
    for _ in range(count):
        product = MethodProductFactory(authors=[org_a, org_b])
        AdoptionFactory(product=product, rating=3)
    # count, page, author organisations, files
    with django_assert_max_num_queries(4):
        response = api.get(PRODUCTS, {"search": "пособие", "page_size": 50})
    assert response.json()["count"] == count


def test_adoptions_are_scoped(api, coordinator, coordinator_b, methodologist, org_a, org_b):
    ours = AdoptionFactory(organization=org_a)
    theirs = AdoptionFactory(organization=org_b)
    assert api.get(ADOPTIONS).status_code in (401, 403)
    ids = {i["id"] for i in as_user(api, coordinator).get(ADOPTIONS).json()["results"]}
    assert ids == {ours.pk}
    ids = {i["id"] for i in as_user(api, coordinator_b).get(ADOPTIONS).json()["results"]}
    assert ids == {theirs.pk}
    ids = {i["id"] for i in as_user(api, methodologist).get(ADOPTIONS).json()["results"]}
    assert ids == {ours.pk}
    assert as_user(api, coordinator).get(f"{ADOPTIONS}{theirs.pk}/").status_code == 404


@pytest.mark.parametrize("count", [5, 30])
def test_adoption_list_query_count_does_not_grow(api, admin_user, count, django_assert_max_num_queries):
    AdoptionFactory.create_batch(count)
    as_user(api, admin_user)
    # token with its user, the user's roles, count, page, staff
    with django_assert_max_num_queries(5):
        response = api.get(ADOPTIONS, {"page_size": 50})
    assert response.json()["count"] == count


def test_open_data_export_csv_and_json(api, org_a):
    product = MethodProductFactory(title='=HYPERLINK("x")', authors=[org_a], author_names="Иванова А. А.")
    AdoptionFactory(product=product, rating=4)
    MethodProductFactory(title="Черновик", draft=True)
    response = api.get("/api/v1/open-data/products.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(rows) == 2
    assert rows[0][:2] == ["Id", "Title"]
    assert rows[1][1] == '\'=HYPERLINK("x")'  # a formula is written as text
    assert "Иванова А. А." in rows[1]
    response = api.get("/api/v1/open-data/products.json", {"search": "hyperlink"})
    records = json.loads(b"".join(response.streaming_content))
    assert [(r["id"], r["adoption_count"], r["average_rating"]) for r in records] == [(product.pk, 1, 4.0)]
    assert records[0]["municipalities"] == ["Выселковский район"]
    assert records[0]["url"].endswith(f"/library/{product.pk}/")
    assert api.get("/api/v1/open-data/products.xml").status_code == 404


def test_export_streams_in_constant_queries(api, django_assert_max_num_queries):
    MethodProductFactory.create_batch(12)
    with django_assert_max_num_queries(4):
        response = api.get("/api/v1/open-data/products.json")
        records = json.loads(b"".join(response.streaming_content))
    assert len(records) == 12
