"""The organiser builds a programme in the browser: a section, a talk with a speaker from another
organisation and an accepted abstract, a material; then the proceedings are built by a background job
and an anonymous visitor downloads them and the material from the event page. Screenshots go to
e2e/artifacts/. Elements are found by form action, names and data-* attributes, not by visible text."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from e2e.conftest import login, screenshot
from novator.events.models import Material, Proceedings, Section, Talk
from novator.events.tests.factories import EventFactory
from novator.organizations.tests.factories import PersonFactory
from novator.portal.demo.pdf import minimal_pdf

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "pass-for-tests-1"


def _submit(page: Any, form: str, button: str = "button[type=submit]") -> None:
    with page.expect_navigation():
        page.locator(f"{form} {button}").first.click()


def test_programme_material_and_proceedings(page, live_server, org_a, org_b, coordinator, tmp_path):
    event = EventFactory(organizers=[org_a], kind="conference", title="Конференция «Новые решения»")
    guest = PersonFactory(organization=org_b, last_name="Гостева", first_name="Ирина", position="учитель")
    url = live_server.url
    login(page, live_server, coordinator.username, PASSWORD)

    # 1. A section.
    programme = reverse("events:programme", args=[event.pk])
    page.goto(url + programme)
    page.fill("main form:not([action]) input[name=title]", "Пленарное заседание")
    _submit(page, "main form:not([action])")
    section = Section.objects.get(event=event)

    # 2. A talk: the speaker comes from another organisation, shown with «Show its staff».
    page.goto(url + reverse("events:talk_create", args=[section.pk]))
    page.fill("input[name=title]", "Сетевое взаимодействие школ")
    page.select_option("select[name=staff_of]", str(org_b.pk))
    _submit(page, "#talk-form", "button[name=show_staff]")
    page.select_option("select[name=speakers]", [str(guest.pk)])
    page.fill("textarea[name=abstract]", "Опыт сетевого взаимодействия.\nРезультаты и выводы.")
    page.check("input[name=accepted]")
    screenshot(page, "programme-1-talk")
    _submit(page, "#talk-form", "button[type=submit]:not([name])")
    talk = Talk.objects.get(section=section)
    assert talk.accepted and list(talk.speakers.all()) == [guest]

    # 3. A public material.
    pdf = tmp_path / "programme.pdf"
    pdf.write_bytes(minimal_pdf(["Conference programme"]))
    material_form = f"form[action='{reverse('events:material_add', args=[event.pk])}']"
    page.fill(f"{material_form} input[name=title]", "Программа конференции")
    page.set_input_files(f"{material_form} input[name=file]", str(pdf))
    _submit(page, material_form)
    material = Material.objects.get(event=event)

    # 4. The proceedings are built by a job; its page shows the result.
    _submit(page, f"form[action='{reverse('events:proceedings_build', args=[event.pk])}']")
    assert "/jobs/" in page.url
    assert Proceedings.objects.get(event=event).abstracts == 1
    screenshot(page, "programme-2-job")
    page.goto(url + programme)
    screenshot(page, "programme-3-page")

    # 5. Anyone downloads the proceedings and the material from the event page.
    page.context.clear_cookies()
    page.goto(url + event.get_absolute_url())
    screenshot(page, "programme-4-public")
    with page.expect_download() as pdf_download:
        page.locator(
            f"#proceedings a[href='{reverse('events:proceedings', args=[event.pk, 'pdf'])}']"
        ).click()
    with open(pdf_download.value.path(), "rb") as f:
        assert f.read(5) == b"%PDF-"
    with page.expect_download() as material_download:
        page.locator(f"#materials a[href='{reverse('events:material', args=[material.pk])}']").click()
    with open(material_download.value.path(), "rb") as f:
        assert f.read(5) == b"%PDF-"
