"""Reads of the library: the catalogue with search and facets, a product, adoptions, the top products."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import connections
from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.translation import get_language

from novator.accounts.scope import get_scope
from novator.core.academic_year import AcademicYear
from novator.organizations.models import Organization, Person

from . import search
from .models import AUDIENCE_KINDS, Adoption, MethodProduct, ProductType

#: `sort` values of the catalogue (ties broken by id, so pages do not overlap).
SORTS: dict[str, tuple[Any, ...]] = {
    "relevance": (F("search_rank").desc(), "-released_on", "-id"),
    "newest": ("-released_on", "-id"),
    "adopted": ("-adoption_count", F("average_rating").desc(nulls_last=True), "-released_on", "-id"),
    "rated": (F("average_rating").desc(nulls_last=True), "-rating_count", "-adoption_count", "-id"),
    "title": ("title", "id"),
}
DEFAULT_SORT = "relevance"
#: Columns lists of products never show (the cards show the title, type, authors and figures).
_LONG_COLUMNS = ("annotation", "search_vector")
FACETS = ("type", "audience", "municipality", "year")
#: The municipality facet shows this many municipalities (the chosen one, then those with most products).
MUNICIPALITY_FACET_LIMIT = 30
#: Facet counts are cached under a fingerprint of the catalogue (`facets_fingerprint`), so a change of a
#: product shows at once; this is only the backstop for what the fingerprint does not see (a municipality
#: renamed, rows written with raw SQL).
FACETS_CACHE_SECONDS = 600
FACETS_CACHE_PREFIX = "library:facets:v1:"


def academic_start_year(field_name: str) -> Case:
    """The first calendar year of the academic year of a date column (01.09.2022 … 31.08.2023 → 2022)."""
    return Case(
        When(**{f"{field_name}__month__gte": 9}, then=ExtractYear(field_name)),
        default=ExtractYear(field_name) - 1,
        output_field=IntegerField(),
    )


def _count_of(queryset: QuerySet) -> Subquery:
    return Subquery(
        queryset.filter(product=OuterRef("pk"))
        .order_by()
        .values("product")
        .annotate(n=Count("pk"))
        .values("n"),
        output_field=IntegerField(),
    )


def with_adoption_figures(qs: QuerySet[MethodProduct]) -> QuerySet[MethodProduct]:
    """Annotate `adoption_count`, `rating_count` and `average_rating` with subqueries (no row multiplying
    joins, so the other filters and facets stay exact)."""
    ratings = (
        Adoption.objects.filter(product=OuterRef("pk"), rating__isnull=False).order_by().values("product")
    )
    return qs.annotate(
        adoption_count=Coalesce(_count_of(Adoption.objects.all()), 0),
        rating_count=Coalesce(_count_of(Adoption.objects.filter(rating__isnull=False)), 0),
        average_rating=Subquery(ratings.annotate(avg=Avg("rating")).values("avg"), output_field=FloatField()),
    )


def _listing(qs: QuerySet[MethodProduct]) -> QuerySet[MethodProduct]:
    return qs.prefetch_related(
        Prefetch("author_organizations", queryset=Organization.objects.select_related("municipality")),
    )


@dataclass
class Filters:
    type: str = ""
    audience: str = ""
    municipality: str = ""  # ОКТМО of an author organisation's municipality
    year: AcademicYear | None = None  # academic year of the council's approval
    organization: int | None = None  # an author organisation

    def apply(self, qs: QuerySet[MethodProduct], skip: str = "") -> QuerySet[MethodProduct]:
        if self.type and skip != "type":
            qs = qs.filter(type=self.type)
        if self.audience and skip != "audience":
            qs = qs.filter(audience_kinds__contains=f",{self.audience},")
        if self.municipality and skip != "municipality":
            through = MethodProduct.author_organizations.through.objects
            qs = qs.filter(
                pk__in=through.filter(organization__municipality__oktmo=self.municipality).values(
                    "methodproduct_id"
                )
            )
        if self.year is not None and skip != "year":
            qs = qs.filter(council_date__gte=self.year.starts, council_date__lte=self.year.ends)
        if self.organization is not None:
            qs = qs.filter(
                pk__in=MethodProduct.author_organizations.through.objects.filter(
                    organization_id=self.organization
                ).values("methodproduct_id")
            )
        return qs


def _base(query: str, user: Any, filters: Filters, skip: str = "") -> QuerySet[MethodProduct]:
    qs: QuerySet[MethodProduct] = MethodProduct.objects.visible_to(user)
    parsed = search.parse(query)
    if parsed.text:
        qs = search.matching(qs, parsed)
    return filters.apply(qs, skip)


def product_search(
    query: str = "",
    *,
    user: Any = None,
    sort: str = DEFAULT_SORT,
    type: str = "",
    audience: str = "",
    municipality: str = "",
    year: AcademicYear | None = None,
    organization: int | None = None,
) -> QuerySet[MethodProduct]:
    """The catalogue: full-text search in Russian (word forms, ё/е, stop-words; see `search`), filters,
    figures of adoption and the sort. One query for a page of rows, one for the author organisations."""
    filters = Filters(type, audience, municipality, year, organization)
    parsed = search.parse(query)
    qs = with_adoption_figures(_base(query, user, filters))
    qs = search.with_rank(qs, parsed)
    if sort == "relevance" and not parsed.text:
        sort = "newest"
    return _listing(qs).order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT]))


@dataclass
class FacetValue:
    value: str
    label: str
    count: int


@dataclass
class Facets:
    type: list[FacetValue] = field(default_factory=list)
    audience: list[FacetValue] = field(default_factory=list)
    municipality: list[FacetValue] = field(default_factory=list)
    year: list[FacetValue] = field(default_factory=list)


def product_facets(
    query: str = "",
    *,
    user: Any = None,
    type: str = "",
    audience: str = "",
    municipality: str = "",
    year: AcademicYear | None = None,
    organization: int | None = None,
) -> Facets:
    """Counts per value of each facet, over the products that match the query and the *other* facets'
    filters (so a chosen type still shows how many products the other types have).

    Cached in the shared cache under the query, the filters, what the user may see, the language and
    `facets_fingerprint()`: one query (the fingerprint) and one cache read when the same search was made
    since the catalogue last changed, else `compute_facets` (four queries over the matches)."""
    filters = Filters(type, audience, municipality, year, organization)
    parts = (query.strip(), type, audience, municipality, str(year or ""), organization)
    key_parts = (parts, _visibility_key(user), get_language(), facets_fingerprint())
    key = FACETS_CACHE_PREFIX + hashlib.sha256(repr(key_parts).encode()).hexdigest()
    facets = cache.get(key)
    if facets is None:
        facets = compute_facets(query, user=user, filters=filters)
        cache.set(key, facets, FACETS_CACHE_SECONDS)
    return facets


def facets_fingerprint(using: str = "default") -> tuple[Any, ...]:
    """What the facet counts depend on, in one cheap query: the number of products and their latest
    change (a product added, edited, published, withdrawn or deleted — its authors and search text are
    saved with it), and the latest change of an organisation (an author organisation moved to another
    municipality). The two `MAX`es read an index (`updated_at`), the count the smallest index."""
    products = MethodProduct._meta.db_table
    organizations = Organization._meta.db_table
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {products}), (SELECT MAX(updated_at) FROM {products}), "  # noqa: S608 - table names
            f"(SELECT MAX(updated_at) FROM {organizations})"
        )
        row = cursor.fetchone()
    return tuple(row)


def _visibility_key(user: Any) -> str:
    """Which products a user sees (`MethodProductQuerySet.visible_to`): everyone the published ones,
    administrators all, others also the drafts they created or whose authors they serve."""
    scope = get_scope(user)
    if scope.is_admin:
        return "admin"
    if not scope.authenticated:
        return "public"
    served = (sorted(scope.coordinator_organizations), sorted(scope.methodologist_municipalities))
    return f"user:{user.pk}:{served}"


def compute_facets(query: str, *, user: Any, filters: Filters) -> Facets:
    """The facet counts from the database (four queries; `product_facets` caches them)."""
    municipality = filters.municipality
    facets = Facets()
    types = dict(_base(query, user, filters, "type").order_by().values_list("type").annotate(n=Count("pk")))
    facets.type = [FacetValue(v, str(label), types[v]) for v, label in ProductType.choices if types.get(v)]

    kinds = _base(query, user, filters, "audience").aggregate(
        **{k: Count("pk", filter=Q(audience_kinds__contains=f",{k},")) for k in AUDIENCE_KINDS.values}
    )
    facets.audience = [FacetValue(k, str(label), kinds[k]) for k, label in AUDIENCE_KINDS.choices if kinds[k]]

    through = MethodProduct.author_organizations.through.objects
    chosen_first = Case(
        When(organization__municipality__oktmo=municipality, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    places = (
        through.filter(methodproduct__in=_base(query, user, filters, "municipality").values("pk"))
        .values_list("organization__municipality__oktmo", "organization__municipality__name")
        .annotate(n=Count("methodproduct", distinct=True), chosen=Min(chosen_first))
        # the chosen municipality, then those with most products (a country-wide search matches
        # products of 1,000+ municipalities: a page of links nobody reads, ~350 KB)
        .order_by("chosen", "-n", "organization__municipality__name")[:MUNICIPALITY_FACET_LIMIT]
    )
    facets.municipality = [FacetValue(oktmo, name, n) for oktmo, name, n, _chosen in places]

    years = (
        _base(query, user, filters, "year")
        .filter(council_date__isnull=False)
        .annotate(start=academic_start_year("council_date"))
        .order_by("-start")
        .values_list("start")
        .annotate(n=Count("pk"))
    )
    facets.year = [FacetValue(str(AcademicYear(s)), str(AcademicYear(s)), n) for s, n in years]
    return facets


def product_detail(*, pk: int, user: Any) -> MethodProduct:
    """One product the user may see, with its authors, files and adoption figures (raises DoesNotExist)."""
    return (
        with_adoption_figures(MethodProduct.objects.visible_to(user))
        .prefetch_related(
            Prefetch("author_organizations", queryset=Organization.objects.select_related("municipality")),
            Prefetch("author_people", queryset=Person.objects.select_related("organization")),
            "files",
        )
        .get(pk=pk)
    )


def product_adoptions(*, product: MethodProduct) -> QuerySet[Adoption]:
    """Who adopted a product, oldest first: the public part of the replication picture."""
    return product.adoptions.select_related("organization", "organization__municipality").order_by(
        "adopted_on", "id"
    )


def adoption_list(
    *, user: Any, product: int | None = None, organization: int | None = None, authored_by: Any = None
) -> QuerySet[Adoption]:
    """Adoptions the user may see, newest first; `authored_by` (organisation ids): only adoptions of their
    products — what the author organisations' coordinators follow."""
    qs = Adoption.objects.visible_to(user).select_related(
        "product", "organization", "organization__municipality", "organization__municipality__region"
    )
    if product is not None:
        qs = qs.filter(product_id=product)
    if organization is not None:
        qs = qs.filter(organization_id=organization)
    if authored_by is not None:
        through = MethodProduct.author_organizations.through.objects
        qs = qs.filter(
            product_id__in=through.filter(organization_id__in=authored_by).values("methodproduct_id")
        )
    return qs.prefetch_related(Prefetch("staff", queryset=Person.objects.order_by("last_name"))).order_by(
        "-adopted_on", "-id"
    )


def adoption_detail(*, pk: int, user: Any) -> Adoption:
    return (
        Adoption.objects.visible_to(user)
        .select_related("product", "organization", "organization__municipality", "created_by")
        .prefetch_related("staff", "product__author_organizations")
        .get(pk=pk)
    )


def top_products(limit: int = 5) -> QuerySet[MethodProduct]:
    """The most adopted and best rated published products, for the public home page (two queries)."""
    adopted = Exists(Adoption.objects.filter(product=OuterRef("pk")))
    # the cards show the title, type and authors: leave the long texts in the database
    qs = with_adoption_figures(MethodProduct.objects.published().filter(adopted)).defer(*_LONG_COLUMNS)
    return _listing(qs).order_by(*SORTS["adopted"])[:limit]


def adoptable_organizations(*, user: Any) -> QuerySet[Organization]:
    """Organisations the user may record an adoption for."""
    qs = Organization.objects.editable_by(user).filter(is_active=True).select_related("municipality")
    return qs.order_by("municipality__name", "short_name")


def library_figures() -> dict[str, Any]:
    """Published products, adoptions of them and adopting organisations (one query)."""
    return Adoption.objects.filter(product__is_published=True).aggregate(
        adoptions=Count("pk"),
        organizations=Count("organization", distinct=True),
        products=Count("product", distinct=True),
        average=Avg("rating"),
    )
