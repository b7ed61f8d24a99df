"""The jury's phone page survives a lost connection (professional contests, in-person round).

A juror scores on a 390 px screen; the connection drops while they type; the page is reloaded offline and
keeps every typed value; the connection returns and the draft reaches the server intact; then the juror
submits. Elements are found by id, `name` and data attributes, not by visible text.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from e2e.conftest import login, screenshot
from novator.contests.tests.factories import ApplicationFactory, professional_contest
from novator.expertise import services
from novator.expertise.models import Score, ScoreSheet
from novator.expertise.tests.factories import ExpertFactory
from novator.organizations.tests.factories import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "pass-for-tests-1"  # of every user the factories make


def _wait_state(page: Any, state: str) -> None:
    # a selector, not wait_for_function: the page's CSP forbids evaluating strings
    page.wait_for_selector(f"#jury-status[data-state={state}]", state="attached", timeout=15_000)


def test_jury_scores_offline_and_nothing_is_lost(browser: Any, live_server: Any, municipality: Any) -> None:
    contest = professional_contest(organiser_municipality=municipality, expertise=True)
    org = OrganizationFactory(municipality=municipality)
    nominee = PersonFactory(organization=org, consented=True)
    ApplicationFactory(
        contest=contest,
        organization=org,
        applicant=nominee,
        category=contest.categories.first(),
        accepted=True,
    )
    final = contest.rounds.get(position=1)
    juror = ExpertFactory()
    services.round_juror_add(actor=None, round=final, expert=juror)
    services.round_open(actor=None, round=final)
    sheet = ScoreSheet.objects.get(assignment__round=final)
    first, second = list(final.criteria.order_by("position"))

    context = browser.new_context(
        locale="ru-RU", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        login(page, live_server, juror.user.username, PASSWORD)
        url = f"{live_server.url}{reverse('expertise:jury_sheet', args=[sheet.pk])}"
        page.goto(url)
        # the page fits the phone: no horizontal scrolling
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.wait_for_selector("#jury-form[data-offline-ready='1']", state="attached")

        # online: a change reaches the server as a draft
        page.fill(f"[name=points_{first.pk}]", "8")
        _wait_state(page, "saved")
        assert Score.objects.get(sheet=sheet, criterion=first).points == Decimal("8")

        # the connection drops while typing
        context.set_offline(True)
        page.fill(f"[name=points_{second.pk}]", "4.5")
        page.fill(f"[name=comment_{second.pk}]", "Мастер-класс без рефлексии")
        page.fill(f"[name=points_{first.pk}]", "9.5")
        _wait_state(page, "offline")
        assert page.is_disabled("#jury-submit")
        screenshot(page, "jury-offline")
        assert not Score.objects.filter(sheet=sheet, criterion=second).exists()

        # reload while offline: the typed values come back
        page.reload()
        assert page.input_value(f"[name=points_{first.pk}]") == "9.5"
        assert page.input_value(f"[name=points_{second.pk}]") == "4.5"
        assert page.input_value(f"[name=comment_{second.pk}]") == "Мастер-класс без рефлексии"

        # the connection returns: the queued draft is sent and arrives intact
        context.set_offline(False)
        page.evaluate("window.dispatchEvent(new Event('online'))")
        _wait_state(page, "saved")
        scores = {s.criterion_id: s for s in Score.objects.filter(sheet=sheet)}
        assert scores[first.pk].points == Decimal("9.5")
        assert scores[second.pk].points == Decimal("4.5")
        assert scores[second.pk].comment == "Мастер-класс без рефлексии"

        # submit (online)
        assert page.is_enabled("#jury-submit")
        with page.expect_navigation():
            page.click("#jury-submit")
        sheet.refresh_from_db()
        assert sheet.state == ScoreSheet.State.SUBMITTED
        screenshot(page, "jury-submitted")
    finally:
        context.close()
