from __future__ import annotations

import datetime
from typing import Any

import factory
from django.utils import timezone

from novator.events.models import (
    Event,
    EventKind,
    EventLevel,
    Registration,
    RegistrationStatus,
    Section,
    Talk,
)
from novator.organizations.tests.factories import OrganizationFactory, PersonFactory


def _in_days(days: int, hour: int = 10) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_current_timezone())


class EventFactory(factory.django.DjangoModelFactory):
    """A published municipal seminar in ten days, 10:00–13:00, open registration, 30 places.
    Traits: past (held a month ago), closed (registration closed), not_open (opens in five days)."""

    class Meta:
        model = Event
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Семинар № {n + 1}")
    kind = EventKind.SEMINAR
    level = EventLevel.MUNICIPAL
    starts_at = factory.LazyFunction(lambda: _in_days(10))
    ends_at = factory.LazyFunction(lambda: _in_days(10, 13))
    place = "МБОУ СОШ № 1 ст. Выселки, актовый зал"
    capacity = 30
    is_published = True

    class Params:
        past = factory.Trait(
            starts_at=factory.LazyFunction(lambda: _in_days(-30)),
            ends_at=factory.LazyFunction(lambda: _in_days(-30, 13)),
        )
        closed = factory.Trait(registration_closes_at=factory.LazyFunction(lambda: _in_days(-1)))
        not_open = factory.Trait(registration_opens_at=factory.LazyFunction(lambda: _in_days(5)))

    @factory.post_generation
    def organizers(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            self.organizers.set(extracted if extracted is not None else [OrganizationFactory()])


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    event = factory.SubFactory(EventFactory)
    title = factory.Sequence(lambda n: f"Секция {n + 1}")


class TalkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Talk
        skip_postgeneration_save = True

    section = factory.SubFactory(SectionFactory)
    title = factory.Sequence(lambda n: f"Доклад {n + 1}")
    abstract = "Опыт реализации инновационного проекта."

    @factory.post_generation
    def speakers(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.speakers.set(extracted)


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    person = factory.SubFactory(PersonFactory)
    status = RegistrationStatus.REGISTERED
    queued_at = factory.LazyFunction(timezone.now)
