from __future__ import annotations

import datetime

import factory

from novator.organizations.identifiers import make_inn, make_ogrn
from novator.organizations.models import (
    Municipality,
    Organization,
    OrganizationKind,
    OrganizationSubtype,
    Person,
    Region,
)
from novator.organizations.search_text import organization_search_text


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "03"
    name = "Краснодарский край"


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"Тестовый район {n}")
    oktmo = factory.Sequence(lambda n: f"0370{n:04d}")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    municipality = factory.SubFactory(MunicipalityFactory)
    kind = OrganizationKind.SCHOOL
    subtype = OrganizationSubtype.SOSH
    short_name = factory.Sequence(lambda n: f"МБОУ СОШ № {n + 1}")
    full_name = factory.LazyAttribute(
        lambda o: (
            f"Муниципальное бюджетное общеобразовательное учреждение {o.short_name.removeprefix('МБОУ ')}"
        )
    )
    inn = factory.Sequence(lambda n: make_inn("2399", 10_000 + n))
    ogrn = factory.Sequence(lambda n: make_ogrn(2, "23", 9_000_000 + n))
    kpp = "232801001"
    address = "ст. Выселки, ул. Ленина, 1"
    head_name = "Иванова Мария Петровна"
    head_position = "директор"
    search_text = factory.LazyAttribute(
        lambda o: organization_search_text(o.short_name, o.full_name, o.inn, o.ogrn, o.address)
    )

    class Params:
        preschool = factory.Trait(
            kind=OrganizationKind.PRESCHOOL,
            subtype=OrganizationSubtype.DOU,
            short_name=factory.Sequence(lambda n: f"МБДОУ детский сад № {n + 1}"),
            head_position="заведующий",
        )
        closed = factory.Trait(is_active=False)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    organization = factory.SubFactory(OrganizationFactory)
    last_name = factory.Sequence(lambda n: f"Петрова{n}")
    first_name = "Анна"
    middle_name = "Сергеевна"
    position = "учитель"
    email = factory.Sequence(lambda n: f"teacher{n}@example.org")

    class Params:
        consented = factory.Trait(
            processing_consent_on=datetime.date(2024, 9, 1),
        )
        published = factory.Trait(
            processing_consent_on=datetime.date(2024, 9, 1),
            publication_consent_on=datetime.date(2024, 9, 1),
        )
