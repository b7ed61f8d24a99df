"""The monitoring dashboards in the browser: the charts draw (ECharts canvases), nothing overflows a
phone's width (the region's wide table scrolls inside its .table-responsive), the accessibility check
passes, and the one-page summary downloads as a PDF. Elements are found by ids and data- attributes."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from e2e.a11y import assert_accessible
from e2e.conftest import ARTIFACTS, login
from novator.monitoring import campaigns, services
from novator.monitoring.models import MonitoringYear
from novator.monitoring.tests.factories import catalogue, record
from novator.organizations.tests.factories import OrganizationFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.bypass_csp]

PASSWORD = "pass-for-tests-1"
SHOTS = ARTIFACTS / "monitoring"


@pytest.fixture
def data(municipality, org_a, methodologist):
    catalogue()
    orgs = [org_a] + [
        OrganizationFactory(municipality=municipality, short_name=f"МБОУ СОШ № {n} ст. Новобейсугской")
        for n in range(2, 8)
    ]
    for year, k in (("2022/23", 1), ("2023/24", 2)):
        for i, org in enumerate(orgs):
            record(org, year, 20, min(20, (i + 1) * k), (i % 4) * k)
        services.values_recompute(actor=None, academic_year=year)
    MonitoringYear.objects.update(published=True)
    campaigns.campaign_create(
        actor=methodologist,
        title="Сбор данных 2023/24",
        academic_year="2023/24",
        due_on=datetime.date(2024, 6, 1),
        element_codes=["teachers", "partners"],
        organizations=orgs,
    )
    return orgs


def _fits(page: Any) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_dashboards_draw_their_charts_and_fit_a_phone(
    page, live_server, data, methodologist, coordinator
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    login(page, live_server, methodologist.username, PASSWORD)
    municipality = data[0].municipality
    pages = {
        "region": (reverse("monitoring:home"), 2),
        "municipality": (reverse("monitoring:municipality", args=[municipality.pk]), 4),
    }
    for name, (url, charts) in pages.items():
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
        assert page.locator("[data-chart-source] canvas").count() >= charts, name
        assert_accessible(page, name)
        page.set_viewport_size({"width": 375, "height": 800})
        page.wait_for_timeout(300)
        assert _fits(page), f"{name} overflows a phone's width"
        page.screenshot(path=str(SHOTS / f"{name}-phone.png"), full_page=True)
    # the heat map and the completion chart are there, with their tables
    assert page.locator("[data-chart-kind=heatmap] canvas").count() >= 1
    assert page.locator("[data-chart-kind=completion] canvas").count() >= 1
    assert page.locator("#heat-table tbody tr").count() == len(data)
    # the region's wide table scrolls inside its container
    page.goto(live_server.url + reverse("monitoring:home"))
    page.wait_for_load_state("networkidle")
    wrapper = page.locator(".table-responsive").first
    assert wrapper.evaluate("el => el.scrollWidth > el.clientWidth")
    assert _fits(page)
    # the one-page summary
    with page.expect_download() as download:
        page.evaluate(
            "url => { const a = document.createElement('a'); a.href = url; a.download = 's.pdf'; "
            "document.body.appendChild(a); a.click(); }",
            reverse("monitoring:municipality_summary", args=[municipality.pk]),
        )
    assert download.value.path().read_bytes()[:5] == b"%PDF-"
    # the coordinator: what moved the index
    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, live_server, coordinator.username, PASSWORD)
    page.goto(live_server.url + reverse("monitoring:organization", args=[data[0].pk]))
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-chart-kind=moved] canvas").count() >= 1
    assert_accessible(page, "organisation")
    page.screenshot(path=str(SHOTS / "organization-desktop.png"), full_page=True)
