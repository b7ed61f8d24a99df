"""Global search: organisations, contests, events and products, grouped; ё/е- and case-insensitive."""

from __future__ import annotations

import pytest
from django.urls import reverse

from novator.contests.tests.factories import ContestFactory
from novator.events.tests.factories import EventFactory
from novator.library.tests.factories import MethodProductFactory
from novator.organizations.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def _data(municipality, n=1):
    for i in range(n):
        org = OrganizationFactory(
            municipality=municipality, short_name=f"МБДОУ детский сад № {i + 10} «Берёзка»"
        )
        ContestFactory(
            organiser_municipality=municipality, announced=True, title=f"Конкурс «Берёзовая роща» {i}"
        )
        EventFactory(organizers=[org], title=f"Семинар «Берёзовый край» {i}")
        MethodProductFactory(authors=[org], title=f"Пособие «Берёзка» {i}")


def test_search_groups_results_and_folds_yo(client, municipality):
    _data(municipality)
    OrganizationFactory(municipality=municipality, short_name="МБОУ СОШ № 1")
    response = client.get(reverse("portal:search"), {"q": "БЕРЕЗ"})
    assert response.status_code == 200
    results = response.context["results"]
    assert [len(results[k]) for k in ("organizations", "contests", "events")] == [1, 1, 1]
    body = response.content.decode()
    for group in ("organizations", "contests", "events"):
        assert f'id="results-{group}"' in body


def test_search_finds_products_by_word_form(client, municipality):
    _data(municipality)
    response = client.get(reverse("portal:search"), {"q": "березка"})
    assert len(response.context["results"]["products"]) == 1


@pytest.mark.parametrize("n", [1, 4])
def test_search_query_count_is_pinned(client, municipality, django_assert_num_queries, n):
    _data(municipality, n)
    # organisations, contest titles, contests, event titles, events, products, product authors
    with django_assert_num_queries(7):
        response = client.get(reverse("portal:search"), {"q": "берёз"})
    assert response.context["total"] == 4 * n


def test_drafts_are_not_found_by_the_public(client, municipality):
    ContestFactory(organiser_municipality=municipality, title="Черновик конкурса")
    EventFactory(title="Черновик семинара", is_published=False)
    response = client.get(reverse("portal:search"), {"q": "черновик"})
    assert response.context["total"] == 0
    assert 'data-total="0"' in response.content.decode()


@pytest.mark.parametrize(
    "q", ["", "   ", "<script>alert(1)</script>", "%", "x" * 5000, "'; DROP TABLE x; --"]
)
def test_bad_queries_are_harmless(client, municipality, q):
    _data(municipality)
    response = client.get(reverse("portal:search"), {"q": q})
    assert response.status_code == 200
    assert b"<script>alert(1)</script>" not in response.content
    assert len(response.context["query"]) <= 200
