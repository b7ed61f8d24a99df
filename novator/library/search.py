"""Full-text search of the catalogue in Russian: SQLite FTS5 on SQLite, `tsvector` on PostgreSQL.

Both databases answer the same query the same way. The query is folded (case, ё → е), split into words,
stripped of stop-words (PostgreSQL's `russian.stop`), and each word is reduced to its Snowball stem with
PyStemmer — the algorithm of PostgreSQL's `russian` configuration — and then to a *root*, by cutting one
derivational suffix (инновацион → инновац, методическ → метод). Each root is matched as a prefix of the
indexed stems, so «инновационный» finds «инновационные» (stem инновацион) and «инноваций» (stem инновац),
which a stem-to-stem match cannot do: Snowball gives the adjective and the noun different stems.

- SQLite: the FTS5 table `library_product_fts` (made by migration 0002) holds the *stems* of the title,
  the annotation and the rest (authors, organisations, subjects); the query is `"root"* AND …`, ranked by
  bm25 with the title weighted highest.
- PostgreSQL: `MethodProduct.search_vector` = title (A) ‖ annotation (B) ‖ the rest (C), made with
  `to_tsvector('russian', …)`, under a GIN index; the query is the prefix `tsquery` of the roots (config
  `simple`: the roots are stems already), ranked with `ts_rank`, plus the rank of
  `websearch_to_tsquery('russian', query)` so that exact word forms come first.

The services call `index_product` after every write, and again for every product of a staff author whose
published name changes (consent to publication given or withdrawn: `services.on_published_name_changed`),
so that a withdrawn name no longer finds anything; `manage.py library_reindex` rebuilds everything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import Stemmer
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import F, FloatField, Func, QuerySet, TextField, Value
from django.db.models.expressions import RawSQL

from novator.core.text import fold

FTS_TABLE = "library_product_fts"
#: bm25 weights of the FTS5 columns (title, body, extra): a word in the title counts most.
FTS_WEIGHTS = (10.0, 2.0, 1.0)
#: ts_rank weights of D, C, B, A (the rest, –, annotation, title) and the share of the exact-form rank.
PG_WEIGHTS = [0.05, 0.1, 0.2, 1.0]
EXACT_BONUS = 0.2
MAX_TERMS = 8

#: PostgreSQL's tsearch_data/russian.stop (the Snowball list), so both databases drop the same words.
_RUSSIAN_STOP = """
и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне было
вот от меня еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был него до вас нибудь
опять уж вам ведь там потом себя ничего ей может они тут где есть надо ней для мы тебя их чем была сам
чтоб без будто чего раз тоже себе под будет ж тогда кто этот того потому этого какой совсем ним здесь
этом один почти мой тем чтобы нее сейчас были куда зачем всех никогда можно при наконец два об другой
хоть после над больше тот через эти нас про всего них какая много разве три эту моя впрочем хорошо
свою этой перед иногда лучше чуть том нельзя такой им более всегда конечно всю между"""
STOP_WORDS = frozenset(_RUSSIAN_STOP.split())
#: Derivational suffixes cut from a stem to reach the root shared by related words, longest first.
DERIVATIONAL_SUFFIXES = ("иональн", "ическ", "ионн", "ион", "ческ")
MIN_ROOT = 4

_WORD = re.compile(r"[^\W_]+")


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    return Stemmer.Stemmer("russian")


def words(text: str) -> list[str]:
    """Folded words of a text, without stop-words."""
    return [w for w in _WORD.findall(fold(text)) if w not in STOP_WORDS]


def stem(word: str) -> str:
    return str(_stemmer().stemWord(word))


def stemmed(text: str) -> str:
    """The text as the FTS5 table stores it: the stems of its words, stop-words dropped."""
    return " ".join(_stemmer().stemWords(words(text)))


def root(word_stem: str) -> str:
    """The stem without one derivational suffix, when enough of it remains (инновацион → инновац)."""
    for suffix in DERIVATIONAL_SUFFIXES:
        if word_stem.endswith(suffix) and len(word_stem) - len(suffix) >= MIN_ROOT:
            return word_stem[: -len(suffix)]
    return word_stem


@dataclass(frozen=True)
class Query:
    """A parsed query: roots every product must contain and roots it must not («-слово»)."""

    text: str
    include: tuple[str, ...] = field(default_factory=tuple)
    exclude: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_empty(self) -> bool:
        return not self.include


def parse(text: str) -> Query:
    include: list[str] = []
    exclude: list[str] = []
    for chunk in (text or "").split():
        negative = chunk.startswith("-") and len(chunk) > 1
        for word in words(chunk):
            target = exclude if negative else include
            term = root(stem(word))
            if term not in target and len(include) + len(exclude) < MAX_TERMS:
                target.append(term)
    return Query(text=(text or "").strip(), include=tuple(include), exclude=tuple(exclude))


def fts_expression(query: Query) -> str:
    """The FTS5 MATCH expression: `"инновац"* AND "метод"* NOT "игр"*` (terms are letters and digits)."""
    expression = " AND ".join(f'"{term}"*' for term in query.include)
    for term in query.exclude:
        expression += f' NOT "{term}"*'
    return expression


def tsquery_text(query: Query) -> str:
    """The PostgreSQL tsquery: `инновац:* & метод:* & !игр:*`."""
    return " & ".join([*(f"{t}:*" for t in query.include), *(f"!{t}:*" for t in query.exclude)])


def _vendor(qs: QuerySet) -> str:
    return connections[qs.db].vendor


class _Fts5Rank(Func):
    """-bm25 of a product's FTS5 row for the MATCH expression (higher is better, like ts_rank)."""

    output_field = FloatField()

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        match_sql, match_params = compiler.compile(self.source_expressions[0])
        pk_sql, pk_params = compiler.compile(self.source_expressions[1])
        weights = ", ".join(str(w) for w in FTS_WEIGHTS)
        # table name and weights are constants; the MATCH expression and the pk are parameters
        # The ranks come from one pass over the FTS table (a subquery in FROM that SQLite runs once and
        # indexes automatically), looked up by rowid for each product. A `MATCH … AND rowid = pk` per
        # product made FTS5 recompute bm25's statistics over every match for every row: quadratic in the
        # matches (3.5 s instead of 16 ms for 5,000 matches); `LIMIT -1` keeps SQLite from flattening it.
        sql = (
            f"(SELECT fts_rank.r FROM (SELECT rowid AS rid, -bm25({FTS_TABLE}, {weights}) AS r "  # noqa: S608
            f"FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH {match_sql} LIMIT -1) AS fts_rank "
            f"WHERE fts_rank.rid = {pk_sql})"
        )
        return sql, [*match_params, *pk_params]


def _pg_query(query: Query) -> SearchQuery:
    return SearchQuery(tsquery_text(query), config="simple", search_type="raw")


def matching(qs: QuerySet, query: Query) -> QuerySet:
    """Products that contain every included root and none of the excluded ones."""
    if query.is_empty:
        return qs.none()
    if _vendor(qs) == "postgresql":
        return qs.filter(search_vector=_pg_query(query))
    # the MATCH expression is a parameter, never spliced into the SQL
    sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608
    ids = RawSQL(sql, (fts_expression(query),))  # noqa: S611
    return qs.filter(pk__in=ids)


def with_rank(qs: QuerySet, query: Query) -> QuerySet:
    """Annotate `search_rank` (higher is more relevant)."""
    if query.is_empty:
        return qs.annotate(search_rank=Value(0.0, output_field=FloatField()))
    if _vendor(qs) == "postgresql":
        exact = SearchQuery(query.text, config="russian", search_type="websearch")
        rank = SearchRank(
            F("search_vector"), _pg_query(query), weights=PG_WEIGHTS
        ) + EXACT_BONUS * SearchRank(F("search_vector"), exact, weights=PG_WEIGHTS)
        return qs.annotate(search_rank=rank)
    return qs.annotate(search_rank=_Fts5Rank(Value(fts_expression(query)), F("pk")))


# --- indexing ---------------------------------------------------------------------------------------


def document(product: Any) -> tuple[str, str, str]:
    """The texts a product is found by: title, annotation, and the rest (authors, organisations,
    subjects, project). Author organisations and people should be prefetched."""
    people = [p.public_name for p in product.author_people.all()]
    organizations = [o.short_name for o in product.author_organizations.all()]
    extra = " ".join(
        [product.author_names, *people, *organizations, product.subjects, product.source_project]
    )
    return product.title, product.annotation, extra


def index_product(product: Any) -> None:
    """Write a product's search data: its FTS5 row on SQLite, its `search_vector` on PostgreSQL."""
    title, body, extra = document(product)
    db = product._state.db or "default"
    connection = connections[db]
    if connection.vendor == "postgresql":
        vector = (
            SearchVector(Value(fold(title), output_field=TextField()), config="russian", weight="A")
            + SearchVector(Value(fold(body), output_field=TextField()), config="russian", weight="B")
            + SearchVector(Value(fold(extra), output_field=TextField()), config="russian", weight="C")
        )
        type(product)._default_manager.using(db).filter(pk=product.pk).update(search_vector=vector)
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [product.pk])  # noqa: S608
        cursor.execute(
            f"INSERT INTO {FTS_TABLE} (rowid, title, body, extra) VALUES (%s, %s, %s, %s)",  # noqa: S608
            [product.pk, stemmed(title), stemmed(body), stemmed(extra)],
        )


def reindex_all(using: str = "default") -> int:
    """Rebuild the search data of every product (after a restore or a move between databases)."""
    from .models import MethodProduct

    connection = connections[using]
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE}")  # noqa: S608
    count = 0
    products = MethodProduct.objects.using(using).prefetch_related("author_people", "author_organizations")
    for product in products.iterator(chunk_size=500):
        index_product(product)
        count += 1
    return count
