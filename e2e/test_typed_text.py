"""Nothing typed is lost (issue #22), in the browser: text typed into an application's section survives
the upload of a document (the sections are saved as a draft first) and a reload of the page (the local
copy is put back, with a note); the contest's page marks its stage. Screenshots at
1366 and 390 px go to e2e/artifacts/typed-text/."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from e2e.conftest import ARTIFACTS, login
from novator.contests.models import Application
from novator.contests.tests.factories import ApplicationFactory, contest_with_setup
from novator.portal.demo.pdf import minimal_pdf

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "pass-for-tests-1"


def _shots(page: Any, name: str) -> None:
    folder = ARTIFACTS / "typed-text"
    folder.mkdir(parents=True, exist_ok=True)
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def test_typed_text_survives_an_upload_and_a_reload(
    page, live_server, municipality, org_a, coordinator, tmp_path
):
    contest = contest_with_setup(organiser_municipality=municipality, announced=True)
    application = ApplicationFactory(
        contest=contest, organization=org_a, category=contest.categories.get(name="СОШ")
    )
    pdf = tmp_path / "заявка.pdf"
    pdf.write_bytes(minimal_pdf(["Application of the school"]))
    login(page, live_server, coordinator.username, PASSWORD)
    page.goto(live_server.url + application.get_absolute_url())
    assert page.locator("#stage-guide").count() == 0  # the guide is on the contest's page
    typed = "Школе нужна цифровая среда для индивидуальных маршрутов."
    page.fill("textarea[name=text_relevance]", typed)

    # an upload right after typing: the sections are saved first, nothing is lost
    requirement = contest.required_documents.order_by("position", "pk").first()
    action = reverse("contests:application_upload", args=[application.pk, requirement.pk])
    page.locator(f'form[action="{action}"] input[type=file]').set_input_files(str(pdf))
    with page.expect_navigation():
        page.locator(f'form[action="{action}"] button[type=submit]').click()
    assert page.locator("textarea[name=text_relevance]").input_value() == typed
    assert Application.objects.get(pk=application.pk).texts["relevance"] == typed
    _shots(page, "after-upload")

    # a reload without saving: the local copy is put back, with a note
    more = typed + " И ещё одна фраза."
    page.fill("textarea[name=text_relevance]", more)
    page.reload()
    assert page.locator("textarea[name=text_relevance]").input_value() == more
    assert page.locator("[data-unsaved-notice]").count() == 1
    _shots(page, "after-reload")

    # the contest's page marks the stage the contest is at
    page.goto(live_server.url + contest.get_absolute_url())
    assert page.locator("#stage-guide [aria-current=step]").get_attribute("data-step") == "applications"
    _shots(page, "contest-guide")
