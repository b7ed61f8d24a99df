"""The staff file: preview with reasons, confirm → staff records and invitations by a job; again → nothing."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from novator.core.models import Job
from novator.onboarding.models import Invitation, StaffImport
from novator.onboarding.staffing import plan_staff, read_staff_table, snils_is_valid
from novator.organizations.importing.reader import ImportFileError
from novator.organizations.models import Person
from novator.organizations.tests import files
from novator.organizations.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

UPLOAD = reverse("onboarding:staff_import")
HEADERS = ["ФИО", "Должность", "E-mail", "СНИЛС"]
GOOD_SNILS = "112-233-445 95"


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private"},
        },
    }


def row(name="Иванова Мария Петровна", position="учитель математики", email="ivanova@example.org", snils=""):
    return {"ФИО": name, "Должность": position, "E-mail": email, "СНИЛС": snils}


def upload(client, org, data: bytes, name="сотрудники.xlsx"):
    return client.post(UPLOAD, {"organization": org.pk, "file": SimpleUploadedFile(name, data)})


def test_snils_checksum():
    assert snils_is_valid("112-233-445 95")
    assert snils_is_valid("11223344595")
    assert not snils_is_valid("112-233-445 96")
    assert not snils_is_valid("1122334459")
    assert snils_is_valid("001-001-998 00")  # below the checked range


def test_upload_preview_confirm_then_again_creates_nothing(
    client, coordinator, org_a, teacher, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    rows = [
        row(snils=GOOD_SNILS),
        row("Петров Иван", "учитель физики", "petrov@example.org"),
        row("Сидоров Пётр Ильич", "учитель", "not-an-address"),
        row("Иванова Мария Петровна", "учитель", "IVANOVA@example.org"),  # a person twice
        row("Кузнецов Олег", "учитель", "k@example.org", "112-233-445 96"),  # wrong СНИЛС
        row("Смирнова Ольга", "учитель", teacher.email),  # an existing account
        row("Одно", "учитель", "one@example.org"),  # no first name
    ]
    response = upload(client, org_a, files.xlsx_bytes(rows, headers=HEADERS))
    item = StaffImport.objects.get()
    assert response.status_code == 302 and response["Location"] == item.get_absolute_url()
    assert item.counts == {"create": 2, "unchanged": 0, "reject": 5}
    assert not Person.objects.filter(organization=org_a).exists() and not Invitation.objects.exists()
    page = client.get(item.get_absolute_url()).content.decode()
    for reason in (
        "не похож на адрес электронной почты",
        "уже есть в строке 2",
        "СНИЛС 112-233-445 96",
        "Учётная запись с адресом",
        "фамилию, имя",
    ):
        assert reason in page, reason

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(item.get_absolute_url())
    job = Job.objects.get()
    assert response["Location"] == reverse("core:job_detail", args=[job.pk])
    assert job.state == Job.State.SUCCEEDED and job.done == job.total == 7
    assert job.result["created"] == 2 and job.result["rejected"] == 5
    people = Person.objects.filter(organization=org_a).order_by("last_name")
    assert [p.last_name for p in people] == ["Иванова", "Петров"]
    assert Invitation.objects.filter(person__in=people, role="teacher").count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["ivanova@example.org", "petrov@example.org"]
    item.refresh_from_db()
    assert item.state == StaffImport.State.DONE

    # the same file again: everyone is already there
    upload(client, org_a, files.xlsx_bytes(rows, headers=HEADERS))
    again = StaffImport.objects.exclude(pk=item.pk).get()
    assert again.counts == {"create": 0, "unchanged": 2, "reject": 5}
    response = client.post(again.get_absolute_url(), follow=True)
    assert "нет никого" in response.content.decode().lower() or "некого" in response.content.decode().lower()
    assert Person.objects.filter(organization=org_a).count() == 2 and Invitation.objects.count() == 2


def test_a_second_confirmation_starts_nothing(client, coordinator, org_a, django_capture_on_commit_callbacks):
    client.force_login(coordinator)
    upload(client, org_a, files.csv_bytes([row()], headers=HEADERS))
    item = StaffImport.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(item.get_absolute_url())
        client.post(item.get_absolute_url())
    assert Job.objects.count() == 1 and Person.objects.filter(organization=org_a).count() == 1


def test_csv_in_windows_1251(coordinator, org_a):
    table = read_staff_table(files.csv_bytes([row()], headers=HEADERS, encoding="cp1251"))
    [planned] = plan_staff(table, organization=org_a)
    assert planned.action == "create" and planned.name == "Иванова Мария Петровна"


def test_someone_already_on_the_staff_is_left_alone(org_a):
    PersonFactory(organization=org_a, email="Ivanova@example.org")
    table = read_staff_table(files.csv_bytes([row()], headers=HEADERS))
    [planned] = plan_staff(table, organization=org_a)
    assert planned.action == "unchanged"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.4\n1 0 obj<<>>endobj\n", "ни CSV, ни XLSX"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "старого формата Excel"),
        ("Фамилия;Телефон\nИванова;123\n".encode(), "«ФИО» и «E-mail»"),
        (b"", "пуст"),
    ],
)
def test_a_disguised_or_broken_file_is_refused(client, coordinator, org_a, data, message):
    client.force_login(coordinator)
    response = upload(client, org_a, data, name="сотрудники.xlsx")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not StaffImport.objects.exists()


def test_a_zip_bomb_is_refused(client, coordinator, org_a):
    client.force_login(coordinator)
    response = upload(client, org_a, files.zip_bomb_xlsx(120))
    assert response.status_code == 200 and not StaffImport.objects.exists()


@override_settings(NOVATOR_IMPORT_MAX_BYTES=200)
def test_a_too_large_file_is_refused(client, coordinator, org_a):
    client.force_login(coordinator)
    response = upload(client, org_a, files.csv_bytes([row()] * 10, headers=HEADERS))
    assert response.status_code == 200
    assert "слишком большой" in response.content.decode()
    assert not StaffImport.objects.exists()


def test_no_import_into_another_organisation(client, coordinator, org_b):
    client.force_login(coordinator)
    response = upload(client, org_b, files.csv_bytes([row()], headers=HEADERS))
    assert response.status_code == 200 and not StaffImport.objects.exists()


def test_the_preview_is_the_uploaders(client, coordinator, coordinator_b, org_a):
    client.force_login(coordinator)
    upload(client, org_a, files.csv_bytes([row()], headers=HEADERS))
    item = StaffImport.objects.get()
    client.force_login(coordinator_b)
    assert client.get(item.get_absolute_url()).status_code == 404
    assert client.post(item.get_absolute_url()).status_code == 404


def test_reader_refuses_a_file_without_rows():
    with pytest.raises(ImportFileError):
        read_staff_table("ФИО;E-mail\n".encode())
