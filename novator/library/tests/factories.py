from __future__ import annotations

import datetime
from typing import Any

import factory

from novator.library import search
from novator.library.models import Adoption, AdoptionScope, MethodProduct, ProductType
from novator.organizations.tests.factories import OrganizationFactory


class MethodProductFactory(factory.django.DjangoModelFactory):
    """A published product with one author organisation, indexed for search as the services would.
    Traits: draft, approved (council 15.03.2023, recommended)."""

    class Meta:
        model = MethodProduct
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Методическое пособие № {n + 1}")
    type = ProductType.GUIDE
    annotation = "Пособие для педагогов образовательных организаций."
    released_on = datetime.date(2022, 1, 25)
    audience_kinds = ",school,"
    is_published = True

    class Params:
        draft = factory.Trait(is_published=False)
        approved = factory.Trait(council_date=datetime.date(2023, 3, 15), council_decision="recommended")

    @factory.post_generation
    def authors(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        product: Any = self
        if not create:
            return
        product.author_organizations.set(extracted if extracted is not None else [OrganizationFactory()])
        search.index_product(
            MethodProduct.objects.prefetch_related("author_people", "author_organizations").get(pk=product.pk)
        )


class AdoptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Adoption

    product = factory.SubFactory(MethodProductFactory)
    organization = factory.SubFactory(OrganizationFactory)
    adopted_on = datetime.date(2022, 10, 3)
    scope = AdoptionScope.UNIT
    changes = "Проведены открытые уроки."

    class Params:
        rated = factory.Trait(
            outcome="Повысилась вовлечённость педагогов.",
            outcome_on=datetime.date(2023, 5, 20),
            rating=5,
            comment="Полезно.",
            closed_on=datetime.date(2023, 5, 20),
        )
