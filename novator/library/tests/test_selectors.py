"""Facets and the replication picture: counts computed by the database, in a fixed number of queries."""

from __future__ import annotations

import datetime

import pytest

from novator.core.academic_year import AcademicYear
from novator.library import services
from novator.library.models import MethodProduct
from novator.library.replication import replication_graph, replication_table
from novator.library.selectors import product_facets, product_search, top_products
from novator.organizations.tests.factories import OrganizationFactory

from .factories import AdoptionFactory, MethodProductFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def counts(values):
    return {v.value: v.count for v in values}


@pytest.fixture
def catalogue(org_a, org_b):
    both = OrganizationFactory(municipality=org_b.municipality)
    return [
        MethodProductFactory(type="guide", audience_kinds=",school,", authors=[org_a], approved=True),
        MethodProductFactory(
            type="guide",
            audience_kinds=",preschool,school,",
            authors=[org_a, both],
            council_date=D(2022, 2, 1),
            council_decision="recommended",
        ),
        MethodProductFactory(type="programme", audience_kinds=",preschool,", authors=[org_b]),
        MethodProductFactory(type="programme", audience_kinds=",preschool,", authors=[org_b], draft=True),
    ]


def test_facet_counts(catalogue, django_assert_max_num_queries):
    # the catalogue's fingerprint, then four facet queries (the counts are not cached yet)
    with django_assert_max_num_queries(5):
        facets = product_facets()
    assert counts(facets.type) == {"guide": 2, "programme": 1}
    assert counts(facets.audience) == {"school": 2, "preschool": 2}
    assert counts(facets.municipality) == {"03612000": 2, "03654000": 2}
    assert counts(facets.year) == {"2022/23": 1, "2021/22": 1}


def test_municipality_facet_is_limited_to_the_chosen_and_the_largest(catalogue, monkeypatch):
    from novator.library import selectors

    monkeypatch.setattr(selectors, "MUNICIPALITY_FACET_LIMIT", 1)
    # guides: 2 of Выселковский район, 1 of Тихорецкий район
    assert counts(product_facets(type="guide").municipality) == {"03612000": 2}
    # the chosen municipality always shows, even when others have more products
    assert counts(product_facets(type="guide", municipality="03654000").municipality) == {"03654000": 1}


def test_a_chosen_facet_narrows_the_others_but_not_itself(catalogue):
    facets = product_facets(type="guide")
    assert counts(facets.type) == {"guide": 2, "programme": 1}
    assert counts(facets.audience) == {"school": 2, "preschool": 1}
    assert counts(facets.municipality) == {"03612000": 2, "03654000": 1}
    facets = product_facets(year=AcademicYear(2022), municipality="03612000")
    assert counts(facets.type) == {"guide": 1}


def test_filters(catalogue):
    def ids(**filters):
        return {p.pk for p in product_search(**filters)}

    _first, second, third, _draft = catalogue
    assert ids(type="programme") == {third.pk}
    assert ids(audience="preschool") == {second.pk, third.pk}
    assert ids(municipality="03654000") == {second.pk, third.pk}
    assert ids(year=AcademicYear(2021)) == {second.pk}
    assert ids(type="guide", municipality="03654000") == {second.pk}


def test_adoption_figures_and_sorts(org_a, org_b):
    popular, rated, none = MethodProductFactory.create_batch(3)
    for _ in range(3):
        AdoptionFactory(product=popular, rating=3)
    AdoptionFactory(product=rated, rating=5)
    AdoptionFactory(product=rated, rating=4)
    products = {p.pk: p for p in product_search()}
    assert (products[popular.pk].adoption_count, products[popular.pk].average_rating) == (3, 3.0)
    assert (products[rated.pk].adoption_count, products[rated.pk].average_rating) == (2, 4.5)
    assert (products[none.pk].adoption_count, products[none.pk].average_rating) == (0, None)
    assert [p.pk for p in product_search(sort="adopted")] == [popular.pk, rated.pk, none.pk]
    assert [p.pk for p in product_search(sort="rated")] == [rated.pk, popular.pk, none.pk]
    assert [p.pk for p in top_products(5)] == [popular.pk, rated.pk]


def test_replication_table_counts_per_municipality_and_year(org_a, org_b, django_assert_max_num_queries):
    product = MethodProductFactory()
    another = OrganizationFactory(municipality=org_a.municipality)
    AdoptionFactory(product=product, organization=org_a, adopted_on=D(2022, 3, 1))  # 2021/22
    AdoptionFactory(product=product, organization=another, adopted_on=D(2022, 9, 1))  # 2022/23
    AdoptionFactory(product=product, organization=org_b, adopted_on=D(2023, 8, 31))  # 2022/23
    AdoptionFactory(organization=org_a, adopted_on=D(2024, 1, 10))  # another product, 2023/24
    with django_assert_max_num_queries(2):
        table = replication_table(product=product)
    assert table.years == ["2021/22", "2022/23"]
    assert [(r.municipality, r.cells, r.total, r.organizations) for r in table.rows] == [
        ("Выселковский район", [1, 1], 2, 2),
        ("Тихорецкий район", [0, 1], 1, 1),
    ]
    assert (table.totals, table.total, table.organizations) == ([1, 2], 3, 3)
    whole = replication_table()
    assert whole.years == ["2021/22", "2022/23", "2023/24"] and whole.total == 4
    assert whole.rows[0].organizations == 2  # org_a adopted twice: one organisation


def test_replication_graph_links_authors_to_adopters(org_a, org_b, django_assert_max_num_queries):
    author = OrganizationFactory(municipality=org_a.municipality, short_name="МКУ ИМЦ")
    product = MethodProductFactory(authors=[author])
    AdoptionFactory(product=product, organization=org_a)
    AdoptionFactory(product=product, organization=org_b)
    MethodProductFactory(authors=[author], draft=True)
    with django_assert_max_num_queries(2):
        graph = replication_graph()
    assert [c["name"] for c in graph["categories"]] == ["Выселковский район", "Тихорецкий район"]
    nodes = {n["name"]: n for n in graph["nodes"]}
    assert nodes["МКУ ИМЦ"]["authored"] == 2 and nodes["МКУ ИМЦ"]["adopted"] == 0
    assert nodes["МБОУ СОШ № 3 г. Тихорецка"]["category"] == 1
    assert sorted((link["source"], link["target"]) for link in graph["links"]) == sorted(
        [(str(author.pk), str(org_a.pk)), (str(author.pk), str(org_b.pk))]
    )


def test_facets_are_cached_until_the_catalogue_changes(catalogue, admin_user, django_assert_num_queries):
    first, second, third, draft = catalogue
    assert counts(product_facets().type) == {"guide": 2, "programme": 1}
    # the same search again: the fingerprint only, the counts from the cache
    with django_assert_num_queries(1):
        assert counts(product_facets().type) == {"guide": 2, "programme": 1}
    # a product added
    MethodProductFactory(type="programme")
    assert counts(product_facets().type) == {"guide": 2, "programme": 2}
    # a product changed through the service (its type), published, withdrawn
    services.product_update(actor=admin_user, product=first, data={"type": "programme"})
    assert counts(product_facets().type) == {"guide": 1, "programme": 3}
    services.product_publish(actor=admin_user, product=draft)
    assert counts(product_facets().type) == {"guide": 1, "programme": 4}
    services.product_publish(actor=admin_user, product=third, published=False)
    assert counts(product_facets().type) == {"guide": 1, "programme": 3}
    # a product deleted (the admin can)
    MethodProduct.objects.filter(pk=second.pk).delete()
    assert counts(product_facets().type) == {"programme": 3}


def test_cached_facets_follow_an_author_organisation_to_another_municipality(catalogue, other_municipality):
    before = counts(product_facets().municipality)
    first = catalogue[0]
    author = first.author_organizations.get()
    author.municipality = other_municipality
    author.save()
    after = counts(product_facets().municipality)
    assert after != before and after[other_municipality.oktmo] >= 1


def test_cached_facets_are_kept_apart_by_query_filters_and_visibility(catalogue, admin_user):
    assert counts(product_facets(type="guide").audience) == {"school": 2, "preschool": 1}
    assert counts(product_facets(type="programme").audience) == {"preschool": 1}
    # the administrator sees the draft too; the visitor still does not
    assert counts(product_facets(user=admin_user).type) == {"guide": 2, "programme": 2}
    assert counts(product_facets().type) == {"guide": 2, "programme": 1}
