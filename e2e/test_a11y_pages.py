"""The main pages of every app, each as the role that uses it, checked in the browser on the demo data:
axe-core (WCAG 2.1 A/AA, serious and critical violations fail) at desktop (1280 px) and phone (390 px)
widths, no horizontal scrolling at 390 px, and screenshots of both widths in e2e/artifacts/pages/.

The demo data (novator.portal.demo.loader) is loaded into the live server's database at the start of each
test (through the services the first time in a test process, from a snapshot after that); each test signs in
as one role and walks through its pages in one browser context. The problems of all the pages of a role are
collected and reported together.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from e2e.a11y import BLOCKING, describe, violations
from e2e.conftest import ARTIFACTS, DESKTOP, PHONE, login
from novator.accounts.models import User
from novator.contests.models import Application, Contest, ContestKind, ContestState
from novator.contests.tests.factories import ApplicationFactory, ContestFactory
from novator.contests.views.manage import SETUP_PAGES
from novator.core.jobs import job_create
from novator.events.models import Event
from novator.expertise.models import ScoreSheet
from novator.library.models import MethodProduct
from novator.networks.models import Network
from novator.organizations.models import Municipality, Organization
from novator.portal.demo import registry
from novator.portal.tests.snapshot import load_demo_once
from novator.projects.models import InnovationProject, ProjectReport

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.bypass_csp]

SHOTS = ARTIFACTS / "pages"
OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"


@pytest.fixture
def demo(settings: Any) -> Any:
    settings.NOVATOR_DEMO = True
    return load_demo_once()


def check(page: Any, live_server: Any, name: str, url: str) -> list[str]:
    """Open the page; return its problems at both widths (and leave screenshots of both)."""
    problems: list[str] = []
    page.set_viewport_size(DESKTOP)
    response = page.goto(live_server.url + url, wait_until="networkidle")
    if response is None or response.status != 200:
        return [f"{name} ({url}): HTTP {response.status if response else '—'}"]
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        if label == "phone":
            page.wait_for_timeout(100)  # charts and tables settle after the resize
            overflow = page.evaluate(OVERFLOW)
            if overflow > 1:
                wide = page.evaluate(
                    """() => [...document.querySelectorAll('main *, nav *')]
                        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                        .slice(0, 3).map(e => e.tagName + (e.id ? '#' + e.id : '') + '.' +
                                               [...e.classList].join('.'))"""
                )
                problems.append(f"{name} ({url}) scrolls horizontally at 390 px by {overflow} px: {wide}")
        blocking = [v for v in violations(page) if v.get("impact") in BLOCKING]
        if blocking:
            problems.append(f"{name} ({url}) at {label}:\n{describe(blocking)}")
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    return problems


def check_all(page: Any, live_server: Any, pages: list[tuple[str, str]], username: str | None) -> None:
    """Check the pages as the user (anonymously for None); the report also goes to pages/problems-*.txt."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.context.clear_cookies()
    if username is not None:
        login(page, live_server, username, registry.DEMO_PASSWORD)
    problems: list[str] = []
    for name, url in pages:
        problems += check(page, live_server, name, url)
    report = SHOTS / f"problems-{username or 'public'}.txt"
    if problems:
        report.write_text("\n".join(problems) + "\n")
    else:
        report.unlink(missing_ok=True)
    assert not problems, "\n".join(problems)


def _status_contest(state: str) -> Contest:
    return Contest.objects.filter(kind=ContestKind.STATUS, state=state).order_by("pk").first()


def _vyselki() -> Municipality:
    return Municipality.objects.get(
        oktmo=next(m.oktmo for m in registry.MUNICIPALITIES if m.key == "vyselki")
    )


def _coordinator_org() -> Organization:
    return Organization.objects.get(staff__user__username="coordinator")


def test_public_pages(page, live_server, demo):
    published = _status_contest(ContestState.PUBLISHED)
    professional = Contest.objects.filter(kind=ContestKind.PROFESSIONAL, state=ContestState.PUBLISHED).first()
    product = MethodProduct.objects.filter(is_published=True).first() or MethodProduct.objects.first()
    event = Event.objects.order_by("-starts_at").first()
    network = Network.objects.first()
    check_all(
        page,
        live_server,
        [
            ("login", reverse("accounts:login")),
            ("contest-list", reverse("contests:list")),
            ("contest-open", _status_contest(ContestState.ANNOUNCED).get_absolute_url()),
            ("contest-results", published.get_absolute_url()),
            ("contest-results-professional", professional.get_absolute_url()),
            ("statuses-register", reverse("statuses:register")),
            ("library-list", reverse("library:catalogue")),
            (
                "library-search",
                reverse("library:catalogue") + "?q=%D0%BF%D1%80%D0%BE%D0%B3%D1%80%D0%B0%D0%BC%D0%BC",
            ),
            ("library-detail", product.get_absolute_url()),
            ("event-list", reverse("events:list")),
            ("event-calendar", reverse("events:calendar")),
            ("event-detail", event.get_absolute_url()),
            ("event-verify", reverse("events:verify")),
            ("network-list", reverse("networks:list")),
            ("network-detail", network.get_absolute_url()),
            ("search", reverse("portal:search") + "?q=%D1%88%D0%BA%D0%BE%D0%BB%D0%B0"),
            ("diploma-verify", reverse("contests:diploma_verify_form")),
        ],
        None,
    )


def test_coordinator_pages(page, live_server, demo):
    org = _coordinator_org()
    contest = _status_contest(ContestState.ANNOUNCED)
    application = Application.objects.filter(contest=contest, organization=org).first() or ApplicationFactory(
        contest=contest, organization=org
    )
    project = InnovationProject.objects.filter(organization=org).first()
    report = ProjectReport.objects.filter(project__organization=org).order_by("-pk").first()
    check_all(
        page,
        live_server,
        [
            ("organization", org.get_absolute_url()),
            ("organization-edit", reverse("organizations:edit", args=[org.pk])),
            ("application-edit", application.get_absolute_url()),
            ("my-applications", reverse("contests:my_applications")),
            ("project-list", reverse("projects:list")),
            ("project-detail", reverse("projects:detail", args=[project.pk])),
            ("report-form", reverse("projects:report_detail", args=[report.pk])),
            ("library-product-form", reverse("library:create")),
            ("monitoring-organization", reverse("monitoring:organization", args=[org.pk])),
            ("notifications", reverse("notifications:list")),
            ("notification-settings", reverse("notifications:preferences")),
        ],
        "coordinator",
    )


def test_teacher_pages(page, live_server, demo):
    check_all(page, live_server, [("my-registrations", reverse("events:my"))], "teacher")


def test_methodologist_pages(page, live_server, demo):
    vyselki = _vyselki()
    draft = ContestFactory(organiser_municipality=vyselki, title="Конкурс на статус МИП — черновик")
    announced = _status_contest(ContestState.ANNOUNCED)  # its set-up lists are filled in
    published = _status_contest(ContestState.PUBLISHED)
    event = Event.objects.order_by("-starts_at").first()
    job = job_create(
        actor=User.objects.get(username="methodist"), kind="test", title="Импорт реестра", total=2
    )
    setup = [
        (f"contest-setup-{part}", reverse("contests:setup", args=[announced.pk, part]))
        for part in SETUP_PAGES
        if part != "rounds"
    ]
    check_all(
        page,
        live_server,
        [
            ("registry-list", reverse("organizations:list")),
            ("registry-import", reverse("organizations:import")),
            ("contest-edit", reverse("contests:edit", args=[draft.pk])),
            *setup,
            ("contest-applications", reverse("contests:applications", args=[published.pk])),
            ("commission", reverse("expertise:commission", args=[published.pk])),
            ("ranking", reverse("expertise:ranking", args=[published.pk])),
            ("event-programme", reverse("events:programme", args=[event.pk])),
            ("network-overview", reverse("networks:overview")),
            ("monitoring-campaign-form", reverse("monitoring:campaign_create")),
            ("job", reverse("core:job_detail", args=[job.pk])),
        ],
        "methodist",
    )


def test_expert_pages(page, live_server, demo):
    sheets = ScoreSheet.objects.filter(assignment__expert__user__username="expert").order_by("pk")
    sheet = sheets.filter(assignment__round__isnull=True).first()
    jury = sheets.filter(assignment__round__isnull=False).first()
    check_all(
        page,
        live_server,
        [
            ("my-assignments", reverse("expertise:my_assignments")),
            ("score-sheet", reverse("expertise:sheet", args=[sheet.pk])),
            ("jury-list", reverse("expertise:jury_list")),
            ("jury-sheet", reverse("expertise:jury_sheet", args=[jury.pk])),
        ],
        "expert",
    )


def test_observer_pages(page, live_server, demo):
    vyselki = _vyselki()
    org = _coordinator_org()
    check_all(
        page,
        live_server,
        [
            ("monitoring-region", reverse("monitoring:home")),
            ("monitoring-municipality", reverse("monitoring:municipality", args=[vyselki.pk])),
            ("monitoring-organization", reverse("monitoring:organization", args=[org.pk])),
        ],
        "observer",
    )


@pytest.mark.parametrize("width", [1200, 1280, 1440, 390])
def test_navbar_search(page, live_server, admin_user, width):
    """The search field of the navigation bar can be typed into and sent at every width (at 390 px behind the
    menu button), and the bar never makes the page scroll sideways. Between 1200 and 1400 px the field used
    to be hidden, so a query could not be typed there (the button only opened an empty search page)."""
    admin_user.first_name = "Констанция-Александра"  # the longest part of the bar: the user's name
    admin_user.set_password("pass-for-tests-1")
    admin_user.save()
    login(page, live_server, admin_user.username, "pass-for-tests-1")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + reverse("notifications:list"))
    assert page.evaluate(OVERFLOW) <= 1
    if width < 1200:
        page.locator(".navbar-toggler").click()
    field = page.locator("#nav-search-q")
    field.fill("Выселки")
    page.locator("form.nav-search button").click()
    page.wait_for_url("**/search/**")
    assert page.locator("#search-q").input_value() == "Выселки"
    assert page.evaluate(OVERFLOW) <= 1
