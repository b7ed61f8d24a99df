"""Every role's home page and one main journey each, in the browser, with an accessibility check (axe-core,
WCAG 2.1 AA: serious and critical violations fail) and screenshots at desktop (1280) and phone (390)
widths in e2e/artifacts/roles/ (and in docs/guide/img/ when NOVATOR_GUIDE_IMG is set: `make guide`).

Elements are found by id, data- attributes and URLs, not by visible text, so the tests keep working
whatever the state of the translations.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from e2e.a11y import assert_accessible
from e2e.conftest import ARTIFACTS, DESKTOP, PHONE, login
from novator.contests.tests.factories import ApplicationFactory, ContestFactory
from novator.core.jobs import enqueue_on_commit, job_create
from novator.core.models import Job
from novator.events.tests.factories import EventFactory, RegistrationFactory
from novator.expertise.tests.factories import AssignmentFactory, CommissionFactory, ExpertFactory, publish
from novator.library.tests.factories import MethodProductFactory
from novator.notifications.models import Notification
from novator.notifications.services import notify
from novator.organizations.tests.factories import OrganizationFactory, PersonFactory
from novator.statuses.tests.factories import StatusAssignmentFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.bypass_csp]

PASSWORD = "pass-for-tests-1"
SHOTS = ARTIFACTS / "roles"


def shots(page: Any, name: str) -> None:
    """Screenshots of the current page at desktop and phone widths (the page is left at desktop width)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    guide = os.environ.get("NOVATOR_GUIDE_IMG")
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        path = SHOTS / f"{name}-{label}.png"
        page.screenshot(path=str(path), full_page=True)
        if guide:
            Path(guide).mkdir(parents=True, exist_ok=True)
            shutil.copy(path, Path(guide) / path.name)
    page.set_viewport_size(DESKTOP)


def open_home(page: Any, live_server: Any, user: Any = None) -> None:
    page.context.clear_cookies()
    if user is not None:
        login(page, live_server, user.username, PASSWORD)
    page.goto(live_server.url + "/")
    page.wait_for_load_state("networkidle")


def _public_data(municipality: Any) -> Any:
    org = OrganizationFactory(municipality=municipality, short_name="МБДОУ детский сад № 14 «Берёзка»")
    StatusAssignmentFactory(organization=org, starts_on=__import__("datetime").date.today().replace(day=1))
    ContestFactory(organiser_municipality=municipality, announced=True, title="Конкурс на статус МИП")
    ContestFactory(organiser_municipality=municipality, published=True, title="Конкурс «Берёзовая роща»")
    EventFactory(organizers=[org], title="Семинар «Берёзовый край»")
    MethodProductFactory(authors=[org], title="Пособие «Берёзка»")
    return org


def test_public_home_and_search(page, live_server, municipality):
    org = _public_data(municipality)
    open_home(page, live_server)
    assert page.locator("#home-public").is_visible()
    assert page.locator(".role-section").count() == 0
    assert_accessible(page, "public home")
    shots(page, "public-home")
    # the skip link is the first thing the keyboard reaches and moves the focus to the content
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.getAttribute('href')") == "#main"
    # the global search page: ё and case do not matter
    page.goto(live_server.url + reverse("portal:search"))
    page.locator("#search-q").fill("БЕРЕЗ")
    page.locator("#search-q").press("Enter")
    page.wait_for_load_state()
    for group in ("organizations", "contests", "events", "products"):
        assert page.locator(f"#results-{group}").is_visible(), group
    assert_accessible(page, "search")
    shots(page, "public-search")
    page.locator(f"#results-organizations a[href='{org.get_absolute_url()}']").click()
    page.wait_for_load_state()
    assert page.url.endswith(org.get_absolute_url())


def test_teacher_home_and_an_event(page, live_server, municipality, org_a, teacher):
    _public_data(municipality)
    event = EventFactory(organizers=[org_a], title="Педагогическая мастерская")
    RegistrationFactory(event=event, person=PersonFactory(organization=org_a, user=teacher))
    open_home(page, live_server, teacher)
    assert page.locator("#home-teacher").is_visible()
    assert_accessible(page, "teacher home")
    shots(page, "teacher-home")
    page.locator(f"#home-teacher a[href='{event.get_absolute_url()}']").click()
    page.wait_for_load_state()
    assert page.url.endswith(event.get_absolute_url())


def test_coordinator_home_returned_application_and_notifications(
    page, live_server, municipality, org_a, coordinator
):
    _public_data(municipality)
    contest = ContestFactory(organiser_municipality=municipality, announced=True, title="Конкурс МИП-2027")
    returned = ApplicationFactory(contest=contest, organization=org_a, returned=True)
    notify(
        [coordinator],
        kind="contests.application",
        subject="Заявка возвращена на доработку",
        body="Не приложена выписка из решения педсовета.",
        url=returned.get_absolute_url(),
    )
    open_home(page, live_server, coordinator)
    assert page.locator("#home-coordinator").is_visible()
    assert page.locator(f"#home-coordinator a[href='{returned.get_absolute_url()}']").is_visible()
    # the unread count comes into the navigation bar without a reload
    assert page.locator("#unread-badge [data-unread='1']").count() == 1
    assert_accessible(page, "coordinator home")
    shots(page, "coordinator-home")
    page.locator("#nav-notifications").click()
    page.wait_for_load_state()
    assert page.locator("[data-notification][data-read='0']").count() == 1
    assert_accessible(page, "notifications")
    shots(page, "notifications")
    page.locator("#mark-all-read").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-notification][data-read='0']").count() == 0
    assert page.locator("#unread-badge [data-unread='0']").count() == 1
    assert Notification.objects.filter(user=coordinator, read_at__isnull=True).count() == 0
    # the main journey: open the returned application from the home page
    page.goto(live_server.url + "/")
    page.locator(f"#home-coordinator a[href='{returned.get_absolute_url()}']").click()
    page.wait_for_load_state()
    assert page.url.endswith(returned.get_absolute_url())


def test_expert_home_progress_and_a_sheet(page, live_server, municipality, other_municipality, expert):
    profile = ExpertFactory(user=expert, municipality=other_municipality)
    contest = ContestFactory(organiser_municipality=municipality, expertise=True)
    publish(CommissionFactory(contest=contest))
    assignment = AssignmentFactory(
        application=ApplicationFactory(contest=contest, accepted=True), expert=profile
    )
    open_home(page, live_server, expert)
    assert page.locator("#home-expert .progress").is_visible()
    assert_accessible(page, "expert home")
    shots(page, "expert-home")
    sheet_url = reverse("expertise:sheet", args=[assignment.sheet.pk])
    page.locator(f"#home-expert a[href='{sheet_url}']").click()
    page.wait_for_load_state()
    assert page.url.endswith(sheet_url)


def test_methodologist_queue_and_email_settings(page, live_server, municipality, methodologist):
    _public_data(municipality)
    submitted = ApplicationFactory(
        contest=ContestFactory(organiser_municipality=municipality, announced=True), submitted=True
    )
    open_home(page, live_server, methodologist)
    assert page.locator("#home-methodologist [data-count='formal-checks']").inner_text() == "1"
    assert_accessible(page, "methodologist home")
    shots(page, "methodologist-home")
    page.locator(f"#home-methodologist a[href='{submitted.get_absolute_url()}']").click()
    page.wait_for_load_state()
    assert page.url.endswith(submitted.get_absolute_url())
    # the e-mail settings in the user's account
    page.goto(live_server.url + reverse("accounts:profile"))
    assert_accessible(page, "profile")
    page.goto(live_server.url + reverse("notifications:preferences"))
    assert_accessible(page, "e-mail settings")
    shots(page, "email-settings")
    page.locator("input[value='projects.reminder']").uncheck()
    page.locator("#preferences-form button").click()
    page.wait_for_load_state()
    assert not page.locator("input[value='projects.reminder']").is_checked()
    assert page.locator("input[value='projects.report']").is_checked()


def test_observer_dashboards(page, live_server, municipality, observer):
    _public_data(municipality)
    open_home(page, live_server, observer)
    assert page.locator("#home-observer").is_visible()
    assert_accessible(page, "observer home")
    shots(page, "observer-home")
    page.locator(f"#home-observer a[href='{reverse('monitoring:home')}']").click()
    page.wait_for_load_state()
    assert page.url.endswith(reverse("monitoring:home"))


def test_admin_retries_a_failed_job(page, live_server, admin_user, methodologist):
    from novator.core.tests.test_jobs import FAIL, flaky_task

    FAIL["on"] = True
    job = job_create(actor=methodologist, kind="test", title="Импорт реестра", total=2)
    enqueue_on_commit(flaky_task, "слово", str(job.pk))  # no transaction here: runs at once and fails
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    open_home(page, live_server, admin_user)
    assert page.locator("#home-admin").is_visible()
    assert_accessible(page, "admin home")
    shots(page, "admin-home")
    page.locator(f"#home-admin a[href='{reverse('core:job_detail', args=[job.pk])}']").click()
    page.wait_for_load_state()
    assert page.locator("[data-job-state='failed']").first.is_visible()
    assert_accessible(page, "failed job")
    shots(page, "job-failed")
    FAIL["on"] = False
    page.locator("#job-retry").click()
    page.wait_for_load_state()
    page.locator("#job-result").wait_for()
    assert_accessible(page, "job done")
    shots(page, "job-done")
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED
