from __future__ import annotations

import datetime

import factory

from novator.networks.models import Network, Partnership, PlanItem
from novator.organizations.tests.factories import OrganizationFactory


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network

    topic = factory.Sequence(lambda n: f"Сеть по функциональной грамотности № {n + 1}")
    leader = factory.SubFactory(OrganizationFactory)


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    network = factory.SubFactory(NetworkFactory)
    organization = factory.SubFactory(OrganizationFactory)


class PlanItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanItem

    network = factory.SubFactory(NetworkFactory)
    title = factory.Sequence(lambda n: f"Семинар сети № {n + 1}")
    planned_on = datetime.date(2023, 11, 15)
    academic_year = 2023
