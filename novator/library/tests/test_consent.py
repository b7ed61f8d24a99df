"""A staff author's name in the catalogue follows their consent to publication at once: the product page,
the search index and the cached facet counts."""

from __future__ import annotations

import datetime
from typing import Any

from novator.library import search
from novator.library.models import MethodProduct
from novator.library.selectors import product_facets, product_search
from novator.organizations import services as organization_services
from novator.organizations.tests.factories import PersonFactory

from .factories import MethodProductFactory


def _authored(org: Any, person: Any) -> Any:
    product: Any = MethodProductFactory(title="Пособие по финансовой грамотности", authors=[org])
    product.author_people.set([person])
    search.index_product(
        MethodProduct.objects.prefetch_related("author_people", "author_organizations").get(pk=product.pk)
    )
    return product


def test_withdrawal_takes_the_name_out_of_the_search_and_the_cached_facets(
    client: Any, org_a: Any, coordinator: Any
) -> None:
    person: Any = PersonFactory(organization=org_a, last_name="Зарницкая", first_name="Ия", published=True)
    product = _authored(org_a, person)
    assert list(product_search("Зарницкая")) == [product]
    assert sum(v.count for v in product_facets("Зарницкая").type) == 1  # now cached
    assert "Зарницкая" in client.get(product.get_absolute_url()).content.decode()

    organization_services.person_update(
        actor=coordinator, person=person, data={"publication_consent_withdrawn_on": datetime.date(2025, 2, 1)}
    )

    assert list(product_search("Зарницкая")) == []
    assert product_facets("Зарницкая").type == []
    assert list(product_search("финансовой")) == [product]  # the rest of the product is still found
    assert "Зарницкая" not in client.get(product.get_absolute_url()).content.decode()

    # given again: found by the name again
    organization_services.person_update(
        actor=coordinator, person=person, data={"publication_consent_withdrawn_on": None}
    )
    assert list(product_search("Зарницкая")) == [product]
