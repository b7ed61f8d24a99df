from __future__ import annotations

import csv
import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from novator.core.models import Job
from novator.organizations import services
from novator.organizations.importing import EXPORT_HEADERS, UNCHANGED, build_plan, read_table
from novator.organizations.models import Organization, OrganizationImport
from novator.organizations.tests import files
from novator.organizations.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

IMPORT = reverse("organizations:import")
EXPORT = reverse("organizations:export")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    """Each test gets its own private storage, so stored uploads can be counted."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private"},
        },
    }
    return tmp_path / "private"


def upload(client, data: bytes, name: str = "реестр.xlsx"):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, data)}, HTTP_ACCEPT_LANGUAGE="en")


def preview_url(item: OrganizationImport) -> str:
    return reverse("organizations:import_preview", args=[item.pk])


def stored_files() -> list[str]:
    if not default_storage.exists("imports"):
        return []
    found = []
    for year in default_storage.listdir("imports")[0]:
        for month in default_storage.listdir(f"imports/{year}")[0]:
            found += default_storage.listdir(f"imports/{year}/{month}")[1]
    return found


def csv_rows(response) -> list[list[str]]:
    return parse_csv(b"".join(response.streaming_content))


def parse_csv(data: bytes) -> list[list[str]]:
    body = data.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


# --- upload, preview, confirm ----------------------------------------------------------------------


def test_upload_preview_confirm_runs_the_job_and_creates_the_organisation(
    client, methodologist, municipality, django_capture_on_commit_callbacks
):
    client.force_login(methodologist)
    good, bad = files.org_row(), files.org_row(ОКТМО="03999000")
    response = upload(client, files.xlsx_bytes([good, bad]))
    item = OrganizationImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == preview_url(item)
    assert item.counts == {"created": 1, "updated": 0, "unchanged": 0, "rejected": 1}
    assert item.original_name == "реестр.xlsx"
    assert item.file.name.startswith("imports/") and "реестр" not in item.file.name
    assert stored_files() == [item.file.name.rsplit("/", 1)[1]]
    assert not Organization.objects.exists()  # the preview saves nothing

    page = client.get(preview_url(item)).content.decode()
    assert good["Краткое наименование"] in page
    assert "03999000" in page
    assert "Подтвердить импорт" in page
    main = page.split("<main", 1)[1]
    assert "style=" not in main and "<script" not in main

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(preview_url(item))
    job = Job.objects.get()
    assert response["Location"] == reverse("core:job_detail", args=[job.pk])
    assert job.state == Job.State.SUCCEEDED
    assert job.result["summary"] == "Создано: 1, обновлено: 0, без изменений: 0, отклонено: 1"
    assert job.result_url == reverse("organizations:list")
    org = Organization.objects.get()
    assert org.inn == good["ИНН"]
    item.refresh_from_db()
    assert item.state == OrganizationImport.State.DONE
    assert item.job == job
    assert "Создано: 1" in client.get(reverse("core:job_detail", args=[job.pk])).content.decode()


def test_preview_shows_the_changed_fields_of_an_update(client, methodologist, org_a):
    row = {"ИНН": org_a.inn, "ОГРН": org_a.ogrn, "ОКТМО": "03612000", "Наименование": org_a.short_name}
    row["Адрес"] = "ст. Выселки, ул. Мира, 9"
    client.force_login(methodologist)
    upload(client, files.csv_bytes([row]), "r.csv")
    item = OrganizationImport.objects.get()
    assert item.counts["updated"] == 1
    page = client.get(preview_url(item)).content.decode()
    assert f"{org_a.address} → ст. Выселки, ул. Мира, 9" in page


def test_job_fails_cleanly_when_the_uploader_may_no_longer_import(
    client, methodologist, admin_user, municipality, django_capture_on_commit_callbacks
):
    client.force_login(methodologist)
    upload(client, files.csv_bytes([files.org_row()]), "r.csv")
    item = OrganizationImport.objects.get()
    methodologist.role_assignments.all().delete()
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(preview_url(item))
    job = Job.objects.get()
    assert job.state == Job.State.FAILED
    assert "больше не может импортировать" in job.error
    item.refresh_from_db()
    assert item.state == OrganizationImport.State.FAILED
    assert not Organization.objects.exists()


def test_confirming_twice_enqueues_once(client, methodologist, municipality, monkeypatch):
    calls = []
    monkeypatch.setattr(services, "enqueue_on_commit", lambda task, *args: calls.append(args))
    client.force_login(methodologist)
    upload(client, files.csv_bytes([files.org_row()]), "r.csv")
    item = OrganizationImport.objects.get()
    first = client.post(preview_url(item))
    second = client.post(preview_url(item))
    job = Job.objects.get()
    assert calls == [(item.pk, str(job.pk))]
    assert first["Location"] == second["Location"] == reverse("core:job_detail", args=[job.pk])


def test_nothing_to_do_cannot_be_confirmed(client, methodologist, org_a):
    row = {
        "ИНН": org_a.inn,
        "ОГРН": org_a.ogrn,
        "ОКТМО": org_a.municipality.oktmo,
        "Наименование": org_a.short_name,
    }
    client.force_login(methodologist)
    upload(client, files.csv_bytes([row]), "r.csv")
    item = OrganizationImport.objects.get()
    assert item.counts["unchanged"] == 1
    assert "disabled" in client.get(preview_url(item)).content.decode()
    client.post(preview_url(item))
    assert not Job.objects.exists()


def test_preview_of_a_big_file_is_paginated(client, admin_user, municipality, django_assert_num_queries):
    client.force_login(admin_user)
    upload(client, files.csv_bytes([files.org_row() for _ in range(230)]), "big.csv")
    item = OrganizationImport.objects.get()
    # the planned rows are rows of a table, read a page at a time (not a JSON of the whole file)
    assert "rows" not in item.preview and item.rows.count() == 230
    assert list(item.rows.values_list("position", flat=True)) == list(range(230))
    # session, user, roles, the upload, the count of its rows, the page of rows
    with django_assert_num_queries(6):
        first = client.get(preview_url(item)).content.decode()
    last = client.get(preview_url(item), {"page": 3}).content.decode()
    assert first.count("<tr data-row=") == 100
    assert last.count("<tr data-row=") == 30
    assert 'data-count="created">230<' in first
    assert '<tr data-row="230"' in last or 'data-row="230"' in last


def test_preview_query_count_does_not_grow_with_the_file(
    client, admin_user, municipality, django_assert_num_queries
):
    client.force_login(admin_user)
    upload(client, files.csv_bytes([files.org_row()]), "small.csv")
    item = OrganizationImport.objects.get()
    with django_assert_num_queries(6):
        assert client.get(preview_url(item)).content.decode().count("<tr data-row=") == 1


def test_previews_stored_as_json_move_to_the_rows_table(admin_user):
    """Migration 0006 moves the rows of previews stored before it into their table."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("novator.organizations.migrations.0006_import_rows")
    rows = [{"row": 2, "action": "create", "inn": "1"}, {"row": 3, "action": "reject", "reason": "x"}]
    item = OrganizationImport.objects.create(
        original_name="old.csv", created_by=admin_user, preview={"rows": rows, "notices": ["n"]}
    )
    migration.move_rows(apps, None)
    item.refresh_from_db()
    assert item.preview == {"notices": ["n"]}
    assert [(r.position, r.action, r.data) for r in item.rows.all()] == [
        (0, "create", rows[0]),
        (1, "reject", rows[1]),
    ]
    migration.restore_rows(apps, None)
    item.refresh_from_db()
    assert item.preview["rows"] == rows


def test_preview_can_show_only_rejected_rows(client, methodologist, municipality):
    client.force_login(methodologist)
    upload(client, files.csv_bytes([files.org_row(), files.org_row(ОКТМО="03999000")]), "r.csv")
    item = OrganizationImport.objects.get()
    page = client.get(preview_url(item), {"action": "reject"}).content.decode()
    assert page.count("<tr data-row=") == 1
    assert 'data-action="reject"' in page


@pytest.mark.parametrize("who", ["coordinator", "teacher", "observer"])
def test_only_methodologists_and_admins_may_import(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(IMPORT).status_code == 403
    assert upload(client, files.csv_bytes([files.org_row()]), "r.csv").status_code == 403
    assert not OrganizationImport.objects.exists()


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(IMPORT)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_nobody_else_sees_or_confirms_an_upload(
    client, methodologist, other_methodologist, admin_user, municipality
):
    client.force_login(methodologist)
    upload(client, files.csv_bytes([files.org_row()]), "r.csv")
    item = OrganizationImport.objects.get()
    client.force_login(other_methodologist)
    assert client.get(preview_url(item)).status_code == 404
    assert client.post(preview_url(item)).status_code == 404
    assert not Job.objects.exists()
    client.force_login(admin_user)
    assert client.get(preview_url(item)).status_code == 200


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("photo.csv", files.png_bytes(), "neither CSV nor XLSX"),
        ("report.xlsx", files.docx_bytes(), "neither CSV nor XLSX"),
        ("bomb.xlsx", files.zip_bomb_xlsx(120), "unpacks to more than"),
        (
            "cols.csv",
            b"\xd0\x98\xd0\x9d\xd0\x9d;\xd0\x90\xd0\xb4\xd1\x80\xd0\xb5\xd1\x81\n1;2\n",
            "Required columns",
        ),
    ],
)
def test_bad_files_get_a_clear_message_and_nothing_is_stored(client, methodologist, name, data, message):
    client.force_login(methodologist)
    response = upload(client, data, name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not OrganizationImport.objects.exists()
    assert stored_files() == []


def test_too_large_file_gets_a_clear_message(client, methodologist, settings):
    settings.NOVATOR_IMPORT_MAX_BYTES = 2000
    client.force_login(methodologist)
    response = upload(client, files.csv_bytes([files.org_row() for _ in range(30)]), "big.csv")
    assert "too large" in response.content.decode()
    assert not OrganizationImport.objects.exists()


def test_upload_page_lists_columns_and_links_the_template(client, methodologist):
    client.force_login(methodologist)
    page = client.get(IMPORT).content.decode()
    for header in ("«ИНН»", "«Сокращённое наименование»", "«ИНН головной организации»"):
        assert header in page
    assert f"{EXPORT}?format=xlsx&amp;template=1" in page
    assert "style=" not in page.split("<main", 1)[1]


# --- export ----------------------------------------------------------------------------------------


def test_csv_export_has_the_import_headers_the_filtered_rows_and_reimports_unchanged(
    client, org_a, org_b, municipality
):
    branch = OrganizationFactory(municipality=municipality, parent=org_a, phone="+7 861 000-00-00")
    response = client.get(EXPORT, {"format": "csv", "municipality": municipality.pk})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="organizations-20')
    data = b"".join(response.streaming_content)
    rows = parse_csv(data)
    assert rows[0] == EXPORT_HEADERS
    inns = {row[0] for row in rows[1:]}
    assert inns == {org_a.inn, branch.inn}  # org_b is in another municipality
    branch_row = next(r for r in rows if r[0] == branch.inn)
    assert branch_row[EXPORT_HEADERS.index("ИНН головной организации")] == org_a.inn
    assert branch_row[EXPORT_HEADERS.index("Телефон")] == "'+7 861 000-00-00"

    plan = build_plan(read_table(data), actor=None)
    assert [row.action for row in plan.rows] == [UNCHANGED, UNCHANGED]


def test_xlsx_export_reimports_unchanged_and_guards_formulas(client, org_a, org_b):
    OrganizationFactory(municipality=org_a.municipality, address='=HYPERLINK("http://evil.example")')
    response = client.get(EXPORT, {"format": "xlsx"})
    assert response["Content-Disposition"].startswith('attachment; filename="organizations-20')
    data = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(data)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == EXPORT_HEADERS
    assert len(rows) == 4
    evil = next(row for row in sheet.iter_rows(min_row=2) if str(row[9].value).startswith("="))
    assert evil[9].data_type == "s"  # a string, not a formula
    assert evil[9].quotePrefix  # Excel's leading apostrophe: it stays text when edited
    plan = build_plan(read_table(data), actor=None)
    assert [row.action for row in plan.rows] == [UNCHANGED] * 3


def test_csv_export_prefixes_formula_like_cells_with_an_apostrophe(client, municipality):
    OrganizationFactory(municipality=municipality, address="=1+2", head_name="@SUM(A1)")
    rows = csv_rows(client.get(EXPORT, {"format": "csv"}))
    assert rows[1][EXPORT_HEADERS.index("Адрес")] == "'=1+2"
    assert rows[1][EXPORT_HEADERS.index("Руководитель")] == "'@SUM(A1)"


def test_template_export_has_only_the_headers(client, org_a):
    rows = csv_rows(client.get(EXPORT, {"format": "csv", "template": "1"}))
    assert rows == [EXPORT_HEADERS]


def test_unknown_export_format_is_a_bad_request(client):
    assert client.get(EXPORT, {"format": "pdf"}).status_code == 400


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_query_count_does_not_grow_with_the_registry(
    client, municipality, django_assert_max_num_queries, file_format
):
    def export_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(EXPORT, {"format": file_format, "municipality": municipality.pk})
            b"".join(response.streaming_content)
        return len(queries)

    heads = OrganizationFactory.create_batch(5, municipality=municipality)
    small = export_queries()
    OrganizationFactory.create_batch(25, municipality=municipality, parent=heads[0])
    with django_assert_max_num_queries(3):
        response = client.get(EXPORT, {"format": file_format, "municipality": municipality.pk})
        content = b"".join(response.streaming_content)
    assert export_queries() == small
    assert content
