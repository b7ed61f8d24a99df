"""The registry's substring search through its trigram index (migration 0005_search_index): the same
answers as a plain substring match, kept in step with every way rows are written."""

from __future__ import annotations

import pytest
from django.db import connection

from novator.core.text import fold
from novator.organizations.models import Organization
from novator.organizations.querysets import SEARCH_FTS
from novator.organizations.selectors import PagedByIds, organization_list
from novator.organizations.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def found(query: str) -> set[str]:
    return set(Organization.objects.search(query).values_list("short_name", flat=True))


def expected(query: str) -> set[str]:
    """What a plain scan would answer: every word a substring of search_text."""
    words = fold(query).split()
    return {o.short_name for o in Organization.objects.all() if all(w in o.search_text for w in words)}


@pytest.fixture
def orgs(municipality):
    names = [
        "МБДОУ детский сад № 7 «Берёзка»",
        "МБОУ СОШ № 2 имени Героя Советского Союза",
        "МБОУ ООШ № 15",
        "МБУ ДО Центр детского творчества",
        "МАОУ гимназия № 1 «Олимп»",
    ]
    return [OrganizationFactory(municipality=municipality, short_name=name) for name in names]


@pytest.mark.parametrize(
    "query",
    [
        "березка",
        "БЕРЁЗКА",
        "сош",
        "№ 7",
        "7",
        "№",
        "детск сад",
        "героя союза",
        "олимп 1",
        "лимп",
        "нет такой",
        'сад"',
        "100%",
        "сад_7",
        "a OR b",
        "NEAR(сад)",
        "*",
    ],
)
def test_the_index_answers_as_a_plain_substring_match(orgs, query):
    assert found(query) == expected(query)


def test_an_inn_is_found_by_its_digits(orgs):
    org = orgs[2]
    assert found(org.inn[3:9]) == {org.short_name}


def test_a_renamed_organisation_is_found_by_its_new_name_only(orgs):
    org = orgs[0]
    org.short_name = "МБДОУ детский сад № 7 «Ромашка»"
    org.full_name = "Муниципальное бюджетное дошкольное образовательное учреждение детский сад № 7 «Ромашка»"
    org.search_text = org.build_search_text()
    org.save()
    assert found("ромашка") == {org.short_name}
    assert found("березка") == set()


def test_bulk_inserts_and_deletes_reach_the_index(municipality):
    rows = [
        OrganizationFactory.build(municipality=municipality, short_name=f"МБОУ Лицей «Вектор-{n}»")
        for n in range(30)
    ]
    Organization.objects.bulk_create(rows)
    assert len(found("вектор")) == 30
    Organization.objects.filter(short_name__endswith="-1»").delete()
    assert found("вектор-1»") == set()
    assert len(found("вектор")) == 29


def test_search_uses_the_index(orgs):
    if connection.vendor == "sqlite":
        sql = str(Organization.objects.search("березка").query)
        assert SEARCH_FTS in sql
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {SEARCH_FTS}({SEARCH_FTS}) VALUES ('integrity-check')")
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'organizations_search_trgm'")
            assert "gin_trgm_ops" in cursor.fetchone()[0]


def test_a_search_counts_its_matches_up_to_the_cap(client, municipality, monkeypatch):
    from django.urls import reverse

    from novator.organizations import selectors

    monkeypatch.setattr(selectors, "SEARCH_COUNT_CAP", 3)
    for n in range(5):
        OrganizationFactory(municipality=municipality, short_name=f"МБОУ Лицей «Вектор-{n}»")
    url = reverse("organizations:list")
    response = client.get(url, {"q": "вектор"})
    body = response.content.decode()
    assert response.context["page"].paginator.count == 3 and response.context["page"].paginator.capped
    assert 'data-capped="3"' in body
    assert len(response.context["page"].object_list) == 3
    # at or under the cap: the exact count, no note; without a search: no cap at all
    response = client.get(url, {"q": "вектор-1"})
    assert response.context["page"].paginator.count == 1 and "data-capped" not in response.content.decode()
    response = client.get(url)
    assert response.context["page"].paginator.count == 5 and "data-capped" not in response.content.decode()


@pytest.mark.parametrize("query", ["березка", "мбоу", "№ 7", "детск сад", "1", "нет такой", "героя союза"])
@pytest.mark.parametrize("sort", ["name", "-name", "municipality", "inn"])
def test_a_search_read_for_many_matches_finds_the_same_rows_in_the_same_order(orgs, query, sort):
    plain = list(organization_list(search=query, sort=sort).values_list("pk", flat=True))
    walked = list(organization_list(search=query, sort=sort, many=True).values_list("pk", flat=True))
    assert walked == plain
    # a page at a time, ids first (one query per page): the same slices
    for low, high in [(0, 2), (1, 3), (2, 25)]:
        rows = PagedByIds(organization_list(search=query, sort=sort, many=True))[low:high]
        assert [o.pk for o in rows] == plain[low:high]


def test_a_search_with_many_matches_walks_the_names_in_order(orgs):
    """A word in a third of a national registry: the page's ids come from walking the name index and
    stop at the page's last row, not from sorting every match (SQLite: `+id IN` over the FTS matches;
    PostgreSQL: an index over the names that also holds the searched text)."""
    if connection.vendor == "sqlite":
        ids = organization_list(search="мбоу", many=True).values("pk")[:25]
        sql, params = ids.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
        assert "short_n" in plan and "TEMP B-TREE FOR ORDER BY" not in plan, plan
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'organizations_name_search'")
            assert "INCLUDE (search_text)" in cursor.fetchone()[0]


@pytest.mark.parametrize("sort", ["name", "-name"])
def test_a_capped_search_pages_through_the_names_in_order(client, municipality, monkeypatch, sort):
    from django.urls import reverse

    from novator.organizations import selectors

    monkeypatch.setattr(selectors, "SEARCH_COUNT_CAP", 3)
    names = [f"МБОУ Лицей «Вектор-{n}»" for n in (5, 1, 4, 0, 3, 2)]
    for name in names:
        OrganizationFactory(municipality=municipality, short_name=name)
    OrganizationFactory(municipality=municipality, short_name="МБОУ СОШ № 3")
    response = client.get(reverse("organizations:list"), {"q": "вектор", "sort": sort})
    page = response.context["page"]
    assert page.paginator.capped
    shown = [o.short_name for o in page.object_list]
    assert shown == sorted(names, reverse=sort == "-name")[:3]


@pytest.mark.parametrize("count", [2, 40])
def test_a_search_page_query_count_does_not_grow(
    client, municipality, monkeypatch, count, django_assert_max_num_queries
):
    from django.urls import reverse

    from novator.organizations import selectors

    monkeypatch.setattr(selectors, "SEARCH_COUNT_CAP", 10)  # 40 matches: past the cap, read in name order
    OrganizationFactory.create_batch(count, municipality=municipality, short_name="МБОУ Лицей «Вектор»")
    # regions + municipalities offered (organizations.filters), status kinds, the capped count, the page
    with django_assert_max_num_queries(5):
        response = client.get(reverse("organizations:list"), {"q": "вектор"})
    assert len(response.context["page"].object_list) == min(count, 10)
