"""Optimistic locking of the event edit page (issue #11: two tabs, one record)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from novator.contests.tests.test_concurrency import is_stale, token_of
from novator.events import services
from novator.events.models import Event

from .test_programme import _edit_post

pytestmark = pytest.mark.django_db


def test_second_tab_saving_the_event_is_refused(client, event, coordinator):
    client.force_login(coordinator)
    url = reverse("events:edit", args=[event.pk])
    first, second = token_of(client.get(url)), token_of(client.get(url))
    assert first == second
    response = client.post(url, {**_edit_post(event, title="Первая вкладка"), "version_token": first})
    assert response.status_code == 302
    response = client.post(url, {**_edit_post(event, title="Вторая вкладка"), "version_token": second})
    assert response.status_code == 400 and is_stale(response)
    assert "Вторая вкладка" in response.content.decode()
    assert Event.objects.get(pk=event.pk).title == "Первая вкладка"
    fresh = token_of(client.get(url))
    response = client.post(url, {**_edit_post(event, title="Вторая вкладка"), "version_token": fresh})
    assert response.status_code == 302
    assert Event.objects.get(pk=event.pk).title == "Вторая вкладка"


@pytest.mark.parametrize("token", ["garbage", "-1", "9" * 40])
def test_garbage_token_is_refused(client, event, coordinator, token):
    client.force_login(coordinator)
    url = reverse("events:edit", args=[event.pk])
    response = client.post(url, {**_edit_post(event, title="Мусор"), "version_token": token})
    assert response.status_code == 400 and is_stale(response)
    assert Event.objects.get(pk=event.pk).title == event.title


def test_without_a_token_the_save_goes_through(client, event, coordinator):
    client.force_login(coordinator)
    url = reverse("events:edit", args=[event.pk])
    assert client.post(url, _edit_post(event, title="Без версии")).status_code == 302
    services.event_update(actor=None, event=event, organizers=list(event.organizers.all()), title="Импорт")
    assert Event.objects.get(pk=event.pk).title == "Импорт"


def test_creating_an_event_is_not_affected(client, event, coordinator, org_a):
    client.force_login(coordinator)
    data = _edit_post(event, title="Новое")
    response = client.post(reverse("events:create"), {**data, "version_token": ""})
    assert response.status_code == 302
    assert Event.objects.filter(title="Новое").exists()
