"""A methodologist imports a CSV with one bad row, checks the preview, confirms, watches the progress
finish and finds the new organisation in the registry."""

from __future__ import annotations

import pytest

from e2e.conftest import login, screenshot
from novator.organizations.identifiers import make_inn, make_ogrn
from novator.organizations.models import Organization

pytestmark = pytest.mark.django_db(transaction=True)


def test_methodologist_imports_a_csv_with_a_bad_row(page, live_server, methodologist, municipality, tmp_path):
    good_inn = make_inn("2328", 31_415)
    bad_inn = good_inn[:-1] + str((int(good_inn[-1]) + 1) % 10)
    csv_text = (
        "Краткое наименование;ИНН;ОГРН;ОКТМО;Полное наименование;Подтип\n"
        f"МБДОУ детский сад № 31 «Ромашка» ст. Выселки;{good_inn}.0;{make_ogrn(3, '23', 31_415)};03612000;"
        "Муниципальное бюджетное дошкольное образовательное учреждение детский сад № 31;ДОУ\n"
        f"МБОУ СОШ № 99;{bad_inn};{make_ogrn(3, '23', 31_416)};03612000;Школа № 99;СОШ\n"
    )
    path = tmp_path / "реестр.csv"
    path.write_text(csv_text, encoding="utf-8-sig")

    login(page, live_server, methodologist.username, "pass-for-tests-1")
    page.goto(f"{live_server.url}/registry/")
    page.get_by_role("link", name="Импорт").click()
    page.set_input_files("input[type=file]", str(path))
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state()

    # The preview: one row to create, one rejected with the reason; nothing saved yet.
    body = page.locator("main").inner_text()
    assert "«Ромашка»" in body
    assert "контрольн" in body.lower()  # wrong check digit of the ИНН
    assert not Organization.objects.filter(inn=good_inn).exists()
    screenshot(page, "import-preview")

    page.get_by_role("button", name="Подтвердить импорт").click()
    page.wait_for_selector("[data-job-state=succeeded]", timeout=30_000)
    assert page.locator(".progress-bar").get_attribute("data-percent") == "100"
    screenshot(page, "import-done")

    page.goto(f"{live_server.url}/registry/?q=ромашка")
    assert page.get_by_role("link", name="МБДОУ детский сад № 31 «Ромашка» ст. Выселки").is_visible()
    assert Organization.objects.filter(inn=good_inn, municipality=municipality).exists()
    assert not Organization.objects.filter(short_name="МБОУ СОШ № 99").exists()


def test_methodologist_uploads_the_open_data_in_parts(
    page, live_server, methodologist, municipality, settings, tmp_path
):
    from novator.organizations.tests import opendata
    from novator.organizations.tests.factories import MunicipalityFactory

    settings.NOVATOR_IMPORT_PART_BYTES = 2048  # the sample ZIP goes in several parts
    for name, oktmo in (("Кореновский район", "03621000"), ("город Краснодар", "03701000")):
        MunicipalityFactory(region=municipality.region, name=name, oktmo=oktmo)
    path = tmp_path / "data-20261201-structure-20160713.zip"
    path.write_bytes(opendata.zipped({"data.xml": opendata.sample_xml()}))

    login(page, live_server, methodologist.username, "pass-for-tests-1")
    page.goto(f"{live_server.url}/registry/import/")
    page.set_input_files("#opendata-file", str(path))
    page.fill("#opendata-region", "23")
    page.locator("form[data-parts-upload] button[type=submit]").click()
    page.wait_for_selector("[data-job-state=succeeded]", timeout=60_000)
    page.locator("#job-result").click()
    page.wait_for_load_state()

    body = page.locator("main").inner_text()
    assert "Филиал МБОУ СОШ № 1 в х. Бузиновском" in body
    assert not Organization.objects.filter(inn=opendata.SCHOOL_INN).exists()
    screenshot(page, "import-opendata-preview")
