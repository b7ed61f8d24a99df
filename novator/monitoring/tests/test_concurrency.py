"""Optimistic locking of a campaign response's draft (issue #11: two tabs, one record)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from novator.contests.tests.test_concurrency import is_stale, token_of
from novator.monitoring import campaigns
from novator.monitoring.models import CampaignResponse

from .test_campaigns import response  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

VALUES = {"teachers": "20", "teachers_involved": "8", "partners": "3"}


def test_second_tab_saving_the_draft_is_refused(client, response, coordinator):  # noqa: F811
    client.force_login(coordinator)
    url = reverse("monitoring:response", args=[response.pk])
    first, second = token_of(client.get(url)), token_of(client.get(url))
    assert client.post(url, {**VALUES, "version_token": first}).status_code == 302
    page = client.post(url, {**VALUES, "teachers": "21", "version_token": second})
    assert page.status_code == 200 and is_stale(page)
    assert 'value="21"' in page.content.decode()
    assert CampaignResponse.objects.get().values["teachers"] == "20"
    assert is_stale(client.post(url, {**VALUES, "teachers": "22", "version_token": "garbage"}))
    fresh = token_of(client.get(url))
    assert client.post(url, {**VALUES, "teachers": "23", "version_token": fresh}).status_code == 302
    assert CampaignResponse.objects.get().values["teachers"] == "23"


def test_without_a_token_the_draft_is_saved(client, response, coordinator):  # noqa: F811
    client.force_login(coordinator)
    url = reverse("monitoring:response", args=[response.pk])
    assert client.post(url, VALUES).status_code == 302
    campaigns.response_save(actor=coordinator, response=response, values={**VALUES, "partners": "4"})
    assert CampaignResponse.objects.get().values["partners"] == "4"


def test_a_transition_makes_an_open_page_stale(client, response, coordinator, methodologist):  # noqa: F811
    campaigns.response_save(actor=coordinator, response=response, values=VALUES)
    client.force_login(coordinator)
    url = reverse("monitoring:response", args=[response.pk])
    token = token_of(client.get(url))
    campaigns.response_transition(actor=coordinator, response=response, name="submit")
    campaigns.response_transition(actor=methodologist, response=response, name="return", comment="Проверьте")
    page = client.post(url, {**VALUES, "teachers": "30", "version_token": token})
    assert page.status_code == 200 and is_stale(page)
    assert CampaignResponse.objects.get().values["teachers"] == "20"
