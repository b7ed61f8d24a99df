"""Full-text search in Russian: the same tests pass on SQLite (FTS5 over stems) and PostgreSQL (tsvector,
`russian` configuration). Run them on both: `DATABASE_URL=postgres://… pytest novator/library`."""

from __future__ import annotations

import pytest

from novator.library import search
from novator.library.models import MethodProduct
from novator.library.selectors import product_search

from .factories import MethodProductFactory

pytestmark = pytest.mark.django_db


def titles(query: str, **filters) -> list[str]:
    return [p.title for p in product_search(query, **filters)]


@pytest.fixture
def library(db):
    return {
        "forms": MethodProductFactory(
            title="Инновационные формы работы с родителями",
            annotation="Сборник сценариев встреч с семьями воспитанников.",
        ),
        "noun": MethodProductFactory(
            title="Управление введением инноваций в школе",
            annotation="Опыт администрации по сопровождению педагогов.",
        ),
        "other": MethodProductFactory(
            title="Развитие речи дошкольников",
            annotation="Игры и упражнения для занятий по развитию речи детей 5–7 лет.",
        ),
        "yo": MethodProductFactory(
            title="Ребёнок в мире природы", annotation="Экологическое воспитание: наблюдения и опыты."
        ),
    }


def test_a_word_finds_its_other_forms_and_related_words(library):
    found = titles("инновационный")
    assert set(found) == {"Инновационные формы работы с родителями", "Управление введением инноваций в школе"}
    assert set(titles("инновация")) == set(found)


def test_several_words_must_all_occur(library):
    assert titles("инновационная школа") == ["Управление введением инноваций в школе"]
    assert titles("инновационная школа природа") == []


def test_e_and_yo_are_the_same_letter(library):
    assert titles("ребенок") == ["Ребёнок в мире природы"]
    assert titles("РЕБЁНОК") == ["Ребёнок в мире природы"]
    assert titles("опыт наблюдений") == ["Ребёнок в мире природы"]


def test_stop_words_are_ignored_in_the_query(library):
    assert titles("развитие речи у детей") == ["Развитие речи дошкольников"]
    assert titles("работа с родителями") == ["Инновационные формы работы с родителями"]


def test_a_query_of_stop_words_only_finds_nothing(library):
    assert titles("и в на по") == []


def test_an_excluded_word_removes_products(library):
    assert titles("инновации -школа") == ["Инновационные формы работы с родителями"]


def test_punctuation_and_operators_do_not_break_the_query(library):
    assert titles('"инновационные" (школа) *: ^ &') == ["Управление введением инноваций в школе"]
    assert titles("'; DROP TABLE library_methodproduct; --") == []
    assert MethodProduct.objects.count() == 4


def test_ranking_puts_title_matches_first(db):
    in_annotation = MethodProductFactory(
        title="Сборник материалов конференции",
        annotation="Проектная деятельность: проекты педагогов, проектные задачи, защита проекта.",
    )
    in_title = MethodProductFactory(
        title="Проектная деятельность в начальной школе", annotation="Сценарии уроков."
    )
    assert [p.pk for p in product_search("проект")] == [in_title.pk, in_annotation.pk]


def test_rank_reads_the_search_index_once_per_query(db):
    """The rank of every match comes from one pass over the index (not one MATCH per product, which was
    quadratic in the matches), and the order is the same as ranking each product alone."""
    from django.db import connection

    products = [
        MethodProductFactory(title=f"Проект {'проект ' * (i % 4)}{i}", annotation="Проектные задачи.")
        for i in range(12)
    ]
    found = list(product_search("проект"))
    assert {p.pk for p in found} == {p.pk for p in products}
    assert [p.search_rank for p in found] == sorted((p.search_rank for p in found), reverse=True)
    if connection.vendor == "sqlite":
        sql = str(product_search("проект").query)
        assert "fts_rank" in sql and ".rowid =" not in sql


def test_authors_and_organisations_are_searched(org_a):
    product = MethodProductFactory(
        title="Диагностика готовности педагогов", author_names="Гончаренко С. Н.", authors=[org_a]
    )
    assert [p.pk for p in product_search("Гончаренко")] == [product.pk]
    assert [p.pk for p in product_search("Выселки")] == [product.pk]


def test_drafts_are_found_only_by_those_who_may_see_them(db, coordinator, org_a):
    draft = MethodProductFactory(title="Черновик инновационной программы", draft=True, authors=[org_a])
    assert titles("программа") == []
    assert [p.pk for p in product_search("программа", user=coordinator)] == [draft.pk]


def test_the_index_follows_changes_made_by_the_services(admin_user, org_a):
    from novator.library import services

    product = MethodProductFactory(title="Старое название", authors=[org_a])
    services.product_update(
        actor=admin_user, product=product, data={"title": "Новая технология наставничества"}
    )
    assert titles("наставничество") == ["Новая технология наставничества"]
    assert titles("старое") == []


def test_roots_cut_derivational_suffixes_only_when_enough_remains():
    assert search.root(search.stem("инновационный")) == "инновац"
    assert search.root(search.stem("методический")) == "метод"
    assert search.root(search.stem("ионный")) == search.stem("ионный")
    query = search.parse("Инновационные -игры и методики")
    assert query.include == ("инновац", "методик")
    assert query.exclude == ("игр",)
