"""Optimistic locking of the product edit page (issue #11: two tabs, one record)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from novator.contests.tests.test_concurrency import form_data, is_stale, token_of
from novator.library import services
from novator.library.models import MethodProduct

from .factories import MethodProductFactory

pytestmark = pytest.mark.django_db


def test_second_tab_saving_a_product_is_refused(client, coordinator, org_a):
    product = MethodProductFactory(authors=[org_a], draft=True)
    client.force_login(coordinator)
    url = reverse("library:edit", args=[product.pk])
    first_page, second_page = client.get(url), client.get(url)
    assert token_of(first_page) == token_of(second_page)
    assert client.post(url, form_data(first_page, title="Первая вкладка")).status_code == 302
    response = client.post(url, form_data(second_page, title="Вторая вкладка"))
    assert response.status_code == 200 and is_stale(response)
    assert "Вторая вкладка" in response.content.decode()
    assert MethodProduct.objects.get().title == "Первая вкладка"
    fresh = client.get(url)
    assert client.post(url, form_data(fresh, title="Вторая вкладка")).status_code == 302
    assert MethodProduct.objects.get().title == "Вторая вкладка"


@pytest.mark.parametrize("token", ["garbage", "1700000000.000000", "' OR 1=1 --"])
def test_garbage_token_is_refused(client, coordinator, org_a, token):
    product = MethodProductFactory(authors=[org_a], draft=True)
    client.force_login(coordinator)
    url = reverse("library:edit", args=[product.pk])
    response = client.post(url, form_data(client.get(url), title="Мусор", version_token=token))
    assert response.status_code == 200 and is_stale(response)
    assert MethodProduct.objects.get().title == product.title


def test_without_a_token_the_save_goes_through(client, coordinator, org_a):
    product = MethodProductFactory(authors=[org_a], draft=True)
    client.force_login(coordinator)
    url = reverse("library:edit", args=[product.pk])
    data = form_data(client.get(url), title="Без версии")
    del data["version_token"]
    assert client.post(url, data).status_code == 302
    services.product_update(actor=None, product=product, data={"title": "Импорт"})
    assert MethodProduct.objects.get().title == "Импорт"
