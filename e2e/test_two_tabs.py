"""Two browser tabs edit one application (issue #11): the first save wins, the second is told and keeps
what was typed; nothing is overwritten silently. Elements are found by `name`, not by visible text."""

from __future__ import annotations

import pytest

from e2e.conftest import login, screenshot
from novator.contests.models import Application
from novator.contests.tests.factories import ApplicationFactory, complete_application, contest_with_setup

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "pass-for-tests-1"  # of every user the factories make
FORM = "form:has(textarea[name=text_goal])"


def test_the_second_tab_is_told_and_keeps_its_text(page, live_server, municipality, org_a, coordinator):
    contest = contest_with_setup(organiser_municipality=municipality, announced=True)
    application = complete_application(ApplicationFactory(contest=contest, organization=org_a))
    login(page, live_server, coordinator.username, PASSWORD)
    url = live_server.url + application.get_absolute_url()
    first = page
    second = page.context.new_page()
    for tab in (first, second):
        tab.goto(url)
    first.fill("textarea[name=text_goal]", "Цель из первой вкладки")
    second.fill("textarea[name=text_goal]", "Цель из второй вкладки")
    with first.expect_navigation():
        first.locator(f"{FORM} button[type=submit]").click()
    with second.expect_navigation():
        second.locator(f"{FORM} button[type=submit]").click()
    alert = second.locator(f"{FORM} .alert-danger")
    assert alert.count() == 1 and alert.is_visible()
    assert second.input_value("textarea[name=text_goal]") == "Цель из второй вкладки"
    screenshot(second, "two-tabs-stale")
    assert Application.objects.get(pk=application.pk).texts["goal"] == "Цель из первой вкладки"
    # reloading shows the first tab's text and a fresh version: the save now goes through
    second.goto(url)
    assert second.input_value("textarea[name=text_goal]") == "Цель из первой вкладки"
    second.fill("textarea[name=text_goal]", "Цель из второй вкладки")
    with second.expect_navigation():
        second.locator(f"{FORM} button[type=submit]").click()
    assert Application.objects.get(pk=application.pk).texts["goal"] == "Цель из второй вкладки"
