from __future__ import annotations

import pytest

from e2e.conftest import screenshot
from novator.organizations.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_public_registry_search_and_open_an_organisation(page, live_server, municipality):
    OrganizationFactory(municipality=municipality, short_name="МБДОУ детский сад № 14 «Берёзка»")
    OrganizationFactory(municipality=municipality, short_name="МБОУ СОШ № 12 ст. Новобейсугской")
    page.goto(f"{live_server.url}/registry/")
    page.get_by_label("Поиск").fill("БЕРЕЗКА")
    page.get_by_role("button", name="Найти").click()
    page.wait_for_load_state()
    rows = page.locator("table tbody tr")
    assert rows.count() == 1
    screenshot(page, "registry-search")
    page.get_by_role("link", name="МБДОУ детский сад № 14 «Берёзка»").click()
    assert page.locator("h1").inner_text().startswith("МБДОУ детский сад № 14")
