"""Optimistic locking of the network's edit pages: agreements and plan items (issue #11)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from novator.contests.tests.test_concurrency import is_stale, token_of
from novator.networks import services
from novator.networks.models import Agreement, PlanItem

from .factories import NetworkFactory, PlanItemFactory

pytestmark = pytest.mark.django_db

AGREEMENT = {"signed_on": "2023-09-01", "valid_from": "2023-09-01", "valid_to": "2025-08-31"}


@pytest.fixture
def network(org_a):
    return NetworkFactory(leader=org_a)


@pytest.fixture
def agreement(network):
    day = datetime.date(2023, 9, 1)
    return services.agreement_add(
        actor=None, network=network, number="7", signed_on=day, valid_from=day, valid_to=day.replace(2026)
    )


def test_second_tab_saving_an_agreement_is_refused(client, agreement, coordinator):
    client.force_login(coordinator)
    url = reverse("networks:agreement_edit", args=[agreement.pk])
    first, second = token_of(client.get(url)), token_of(client.get(url))
    assert client.post(url, {**AGREEMENT, "number": "7-а", "version_token": first}).status_code == 302
    response = client.post(url, {**AGREEMENT, "number": "7-б", "version_token": second})
    assert response.status_code == 400 and is_stale(response)
    assert "7-б" in response.content.decode()
    assert Agreement.objects.get().number == "7-а"
    assert is_stale(client.post(url, {**AGREEMENT, "number": "7-в", "version_token": "garbage"}))
    assert client.post(url, {**AGREEMENT, "number": "7-г"}).status_code == 302  # no token: not checked
    assert Agreement.objects.get().number == "7-г"


def test_second_tab_saving_a_plan_item_is_refused(client, network, coordinator):
    item = PlanItemFactory(network=network)
    client.force_login(coordinator)
    url = reverse("networks:plan_edit", args=[item.pk])
    first, second = token_of(client.get(url)), token_of(client.get(url))
    data = {"planned_on": "2024-10-02"}
    assert client.post(url, {**data, "title": "Первая", "version_token": first}).status_code == 302
    response = client.post(url, {**data, "title": "Вторая", "version_token": second})
    assert response.status_code == 400 and is_stale(response)
    assert "Вторая" in response.content.decode()
    assert PlanItem.objects.get().title == "Первая"
    assert is_stale(client.post(url, {**data, "title": "Мусор", "version_token": "0.000001"}))
    services.plan_item_update(
        actor=None, item=PlanItem.objects.get(), title="Импорт", planned_on=datetime.date(2024, 10, 2)
    )
    assert PlanItem.objects.get().title == "Импорт"
