from __future__ import annotations

import datetime
from typing import Any

import factory

from novator.organizations.tests.factories import OrganizationFactory
from novator.statuses.models import StatusAssignment, StatusEvent, StatusKind, StatusLevel
from novator.statuses.services import term_end

#: The day the traits are relative to: tests freeze `timezone.localdate` to it, or pass it as `on=`.
TODAY = datetime.date(2024, 3, 15)


class StatusKindFactory(factory.django.DjangoModelFactory):
    """МИП by default. The migrations create MIP, MLSV, KIP, RIP and FIP, so those codes are reused, not
    duplicated; any other code makes a new kind."""

    class Meta:
        model = StatusKind
        django_get_or_create = ("code",)

    code = "MIP"
    abbreviation = "МИП"
    name = "муниципальная инновационная площадка"
    level = StatusLevel.MUNICIPAL
    default_term_years = 3


class StatusAssignmentFactory(factory.django.DjangoModelFactory):
    """A status held from `starts_on` for `years` (3 by default). Traits, relative to TODAY:
    active (started 01.09.2022), expired (2019–2022), revoked (revoked on 01.02.2024), pending (starts
    01.09.2024). An «award» event is created with it, as the service would."""

    class Meta:
        model = StatusAssignment
        skip_postgeneration_save = True

    class Params:
        years = 3
        active = factory.Trait(starts_on=datetime.date(2022, 9, 1))
        expired = factory.Trait(starts_on=datetime.date(2019, 9, 1))
        revoked = factory.Trait(
            starts_on=datetime.date(2022, 9, 1),
            revoked_on=datetime.date(2024, 2, 1),
            revocation_grounds="Не представлен отчёт о реализации проекта",
        )
        pending = factory.Trait(starts_on=datetime.date(2024, 9, 1))

    organization = factory.SubFactory(OrganizationFactory)
    kind = factory.SubFactory(StatusKindFactory)
    starts_on = datetime.date(2022, 9, 1)
    ends_on = factory.LazyAttribute(lambda o: term_end(o.starts_on, o.years))
    order_number = factory.Sequence(lambda n: f"{100 + n}-п")
    order_date = factory.LazyAttribute(lambda o: o.starts_on - datetime.timedelta(days=5))
    project_title = factory.Sequence(lambda n: f"Инновационный проект № {n + 1}")

    @factory.post_generation
    def award_event(self, create: bool, extracted: object, **kwargs: object) -> None:
        assignment: Any = self  # factory_boy passes the object made
        if create:
            StatusEvent.objects.create(
                assignment=assignment,
                kind=StatusEvent.Kind.AWARD,
                on=assignment.starts_on,
                new_ends_on=assignment.ends_on,
                order_number=assignment.order_number,
                order_date=assignment.order_date,
            )
