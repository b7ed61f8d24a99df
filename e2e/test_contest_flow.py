"""A status contest end to end in the browser: the coordinator applies, the methodologist accepts and
assigns two experts, both score, the chair confirms, the methodologist records the order and publishes,
and the public register shows the new status. A screenshot after each step goes to e2e/artifacts/.

Elements are found by form action, `name` and `value`, not by visible English text, so the test keeps
working whatever the state of the translations.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from e2e.conftest import login, screenshot
from novator.contests.models import Application, ApplicationState, Contest, ContestState
from novator.contests.tests.factories import contest_with_setup
from novator.expertise.models import Commission, ScoreSheet
from novator.expertise.tests.factories import CommissionFactory, CommissionMemberFactory, ExpertFactory
from novator.portal.demo.pdf import minimal_pdf
from novator.statuses.models import StatusAssignment

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "pass-for-tests-1"  # of every user the factories make


def _post(page: Any, selector: str) -> None:
    """Click the submit button of the form matched by `selector` and wait for the page it leads to."""
    with page.expect_navigation():
        page.locator(f"{selector} button[type=submit], {selector} button:not([type])").first.click()


def _as(page: Any, live_server: Any, user: Any) -> None:
    page.context.clear_cookies()
    login(page, live_server, user.username, PASSWORD)


def test_status_contest_from_application_to_the_register(
    page, live_server, municipality, other_municipality, org_a, coordinator, methodologist, tmp_path
):
    contest: Contest = contest_with_setup(organiser_municipality=municipality, announced=True)
    criteria = list(contest.criteria.order_by("position", "pk"))  # Актуальность 0–3, Новизна 0–10 × 0.5
    chair = ExpertFactory(municipality=other_municipality, user__last_name="Председателева")
    first = ExpertFactory(municipality=other_municipality, user__last_name="Первова")
    second = ExpertFactory(municipality=other_municipality, user__last_name="Вторая")
    commission = CommissionFactory(contest=contest, chair=chair)
    for expert in (first, second):
        CommissionMemberFactory(commission=commission, expert=expert)
    pdf = tmp_path / "документ.pdf"
    pdf.write_bytes(minimal_pdf(["Application of the school", "Signed by the head"]))
    url = live_server.url

    # 1. The coordinator starts an application, fills it in, attaches the documents and submits it.
    _as(page, live_server, coordinator)
    page.goto(url + contest.get_absolute_url())
    apply_url = reverse("contests:apply", args=[contest.pk])
    with page.expect_navigation():
        page.locator(f'a[href="{apply_url}"]').first.click()
    page.fill("[name=project_title]", "Цифровая образовательная среда сельской школы")
    page.select_option("select[name=category]", str(contest.categories.get(name="СОШ").pk))
    _post(page, "main form:has([name=project_title])")
    application = Application.objects.get(contest=contest, organization=org_a)
    page.fill("textarea[name=text_relevance]", "Школе нужна цифровая среда для индивидуальных маршрутов.")
    page.fill("textarea[name=text_goal]", "Создать модель цифровой среды школы.")
    _post(page, "main form:has(textarea[name=text_relevance])")
    for requirement in contest.required_documents.all():
        action = reverse("contests:application_upload", args=[application.pk, requirement.pk])
        page.locator(f'form[action="{action}"] input[type=file]').set_input_files(str(pdf))
        _post(page, f'form[action="{action}"]')
    _post(page, f'form[action="{reverse("contests:application_action", args=[application.pk, "submit"])}"]')
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    assert application.texts["goal"] == "Создать модель цифровой среды школы."
    assert application.documents.count() == 2
    screenshot(page, "contest-flow-1-coordinator-submitted")

    # 2. The methodologist accepts it after the formal check, starts the expertise, assigns two experts
    #    on the commission page and publishes the assignments.
    _as(page, live_server, methodologist)
    page.goto(url + application.get_absolute_url())
    _post(page, f'form[action="{reverse("contests:application_action", args=[application.pk, "accept"])}"]')
    page.goto(url + contest.get_absolute_url())
    _post(page, f'form[action="{reverse("contests:action", args=[contest.pk, "start_expertise"])}"]')
    page.goto(url + reverse("expertise:commission", args=[contest.pk]))
    assign = reverse("expertise:assignment_add", args=[contest.pk])
    for expert in (first, second):
        _post(page, f'form[action="{assign}"]:has(input[name=expert][value="{expert.pk}"])')
    _post(page, f'form[action="{reverse("expertise:assignments_publish", args=[contest.pk])}"]')
    application.refresh_from_db()
    assert application.state == ApplicationState.ACCEPTED
    assert Commission.objects.get(pk=commission.pk).assignments_published_at is not None
    assert set(application.assignments.values_list("expert_id", flat=True)) == {first.pk, second.pk}
    screenshot(page, "contest-flow-2-methodologist-assigned")

    # 3. Each expert opens the sheet, scores every criterion (a comment below the maximum), concludes.
    given = {
        first: [("3", ""), ("8", "Новизна показана частично.")],
        second: [("2", "Мало данных."), ("10", "")],
    }
    for number, (expert, points) in enumerate(given.items(), start=1):
        _as(page, live_server, expert.user)
        page.goto(url + reverse("expertise:my_assignments"))
        sheet = ScoreSheet.objects.get(assignment__expert=expert, assignment__application=application)
        with page.expect_navigation():
            page.locator(f'a[href="{reverse("expertise:sheet", args=[sheet.pk])}"]').click()
        for criterion, (value, comment) in zip(criteria, points, strict=True):
            page.fill(f'input[name="points_{criterion.pk}"]', value)
            page.fill(f'textarea[name="comment_{criterion.pk}"]', comment)
        page.fill("textarea[name=conclusion]", "Проект актуален и реализуем; рекомендую присвоить статус.")
        with page.expect_navigation():
            page.locator("button[name=action][value=submit]").click()
        sheet.refresh_from_db()
        assert sheet.state == ScoreSheet.State.SUBMITTED
        screenshot(page, f"contest-flow-3-expert-{number}-submitted")

    # 4. The chair confirms the proposed results on the ranking page, with the minutes' number and date.
    _as(page, live_server, chair.user)
    page.goto(url + reverse("expertise:ranking", args=[contest.pk]))
    page.fill("[name=minutes_number]", "1")
    page.fill("[name=minutes_date]", timezone.localdate().isoformat())
    _post(page, "main form:has([name=minutes_number])")
    contest.refresh_from_db()
    application.refresh_from_db()
    assert contest.state == ContestState.DECIDED
    assert application.awarded and application.total == Decimal("7.00") and application.rank == 1
    screenshot(page, "contest-flow-4-chair-confirmed")

    # 5. The methodologist records the order and publishes the results: the status is awarded.
    _as(page, live_server, methodologist)
    page.goto(url + contest.get_absolute_url())
    order = f'form[action="{reverse("contests:order", args=[contest.pk])}"]'
    page.fill(f"{order} [name=number]", "145-од")
    page.fill(f"{order} [name=date]", timezone.localdate().isoformat())
    _post(page, order)
    _post(page, f'form[action="{reverse("contests:action", args=[contest.pk, "publish_results"])}"]')
    contest.refresh_from_db()
    assert contest.state == ContestState.PUBLISHED and contest.order_number == "145-од"
    status = StatusAssignment.objects.select_related("kind").get(organization=org_a)
    assert status.kind.code == "MIP" and status.order_number == "145-од"
    screenshot(page, "contest-flow-5-methodologist-published")

    # 6. Anyone reads the new status in the public register.
    page.context.clear_cookies()
    page.goto(url + reverse("statuses:register") + "?kind=MIP")
    register = page.locator("main").inner_text()
    assert org_a.short_name in register
    assert "145-од" in register and status.kind.abbreviation in register
    screenshot(page, "contest-flow-6-public-register")
