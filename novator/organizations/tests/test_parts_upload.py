"""The web import of the federal open data: uploaded in parts to disk, checked, read by a job for the
preview, confirmed like a CSV/XLSX file."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from novator.core.models import Job
from novator.organizations.models import ImportPartsUpload, Organization, OrganizationImport
from novator.organizations.tests import opendata
from novator.organizations.tests.factories import MunicipalityFactory, RegionFactory

pytestmark = pytest.mark.django_db

START = reverse("organizations:import_parts")
PART = 700  # bytes: the sample file goes in several parts


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def small_parts(settings, tmp_path):
    settings.NOVATOR_IMPORT_PART_BYTES = PART
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private"},
        },
    }
    return tmp_path / "private"


@pytest.fixture
def kuban(db):
    region = RegionFactory(code="03", name="Краснодарский край")
    return {
        "vyselki": MunicipalityFactory(region=region, name="Выселковский район", oktmo="03612000"),
        "korenovsk": MunicipalityFactory(region=region, name="Кореновский район", oktmo="03621000"),
        "krasnodar": MunicipalityFactory(region=region, name="город Краснодар", oktmo="03701000"),
    }


@pytest.fixture
def methodologist(kuban):
    from novator.accounts.tests.factories import RoleAssignmentFactory, UserFactory

    user = UserFactory(username="kuban-methodologist")
    RoleAssignmentFactory(user=user, role="methodologist", municipality=kuban["vyselki"])
    RoleAssignmentFactory(user=user, role="methodologist", municipality=kuban["korenovsk"])
    RoleAssignmentFactory(user=user, role="methodologist", municipality=kuban["krasnodar"])
    return user


def start(client, data: bytes, name: str = "data.zip"):
    return client.post(START, {"name": name, "size": len(data)})


def send(client, state: dict, data: bytes, index: int, body: bytes | None = None):
    part = data[index * state["part_size"] : (index + 1) * state["part_size"]] if body is None else body
    return client.post(f"{state['part_url']}{index}/", part, content_type="application/octet-stream")


def upload_all(client, data: bytes, name: str = "data.zip") -> dict:
    state = start(client, data, name).json()
    for index in range(state["parts"]):
        assert send(client, state, data, index).status_code == 200
    return state


def stored(private: Path) -> list[Path]:
    return sorted(p for p in private.rglob("*") if p.is_file())


def test_upload_in_parts_preview_and_confirm(
    client, methodologist, small_parts, django_capture_on_commit_callbacks
):
    client.force_login(methodologist)
    data = opendata.zipped({"data-20261201.xml": opendata.sample_xml()})
    state = upload_all(client, data, "реестр.zip")
    assert state["parts"] == -(-len(data) // PART) > 2
    upload = ImportPartsUpload.objects.get()
    assert upload.received == state["parts"]
    with django_capture_on_commit_callbacks(execute=True):
        finished = client.post(state["finish_url"], {"region": "23"})
    assert finished.status_code == 200
    job = Job.objects.get()
    assert finished.json() == {"redirect": reverse("core:job_detail", args=[job.pk])}
    assert job.state == Job.State.SUCCEEDED and job.done == job.total == 100
    item = OrganizationImport.objects.get()
    assert job.result_url == item.get_absolute_url()
    assert item.counts == {"created": 4, "updated": 0, "unchanged": 0, "rejected": 1}
    assert item.original_name == "реестр.zip" and item.preview["region"] == "23"
    # the parts' file became the import's file: moved, not copied; the upload in parts is gone
    assert not ImportPartsUpload.objects.exists()
    assert [p.name for p in stored(small_parts)] == [Path(item.file.name).name]
    assert not Organization.objects.exists()  # the preview saves nothing
    page = client.get(item.get_absolute_url()).content.decode()
    assert "Филиал МБОУ СОШ № 1 в х. Бузиновском" in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(item.get_absolute_url())
    assert Organization.objects.count() == 4
    branch = Organization.objects.get(kpp="232802001")
    assert branch.parent is not None and branch.parent.inn == branch.inn == opendata.SCHOOL_INN


def test_a_part_sent_again_is_written_in_its_place(client, methodologist):
    client.force_login(methodologist)
    data = opendata.sample_xml()
    state = start(client, data, "data.xml").json()
    assert send(client, state, data, 0).status_code == 200
    assert send(client, state, data, 1).status_code == 200
    # the answer to part 2 was lost: it comes again, and so does part 1
    assert send(client, state, data, 1).status_code == 200
    assert send(client, state, data, 0).json()["received"] == 2
    for index in range(2, state["parts"]):
        assert send(client, state, data, index).status_code == 200
    upload = ImportPartsUpload.objects.get()
    from novator.organizations.uploads import parts_upload_path

    assert parts_upload_path(upload).read_bytes() == data


def test_a_part_out_of_order_is_refused_with_the_part_expected(client, methodologist):
    client.force_login(methodologist)
    data = opendata.sample_xml()
    state = start(client, data, "data.xml").json()
    send(client, state, data, 0)
    response = send(client, state, data, 2)
    assert response.status_code == 409
    assert response.json() == {
        "error": "Часть 3 пришла раньше части 2; загрузка продолжится с части 2.",
        "expected": 1,
    }
    assert ImportPartsUpload.objects.get().received == 1


def test_a_missing_part_is_named_at_the_end_and_nothing_is_read(client, methodologist):
    client.force_login(methodologist)
    data = opendata.sample_xml()
    state = start(client, data, "data.xml").json()
    for index in range(state["parts"] - 1):
        send(client, state, data, index)
    response = client.post(state["finish_url"], {"region": "23"})
    assert response.status_code == 409
    assert response.json()["error"] == (
        f"Часть {state['parts']} из {state['parts']} не пришла; загрузка продолжится с неё."
    )
    assert not Job.objects.exists() and not OrganizationImport.objects.exists()


def test_a_part_over_the_cap_or_of_the_wrong_size_is_refused(client, methodologist):
    client.force_login(methodologist)
    data = opendata.sample_xml()
    state = start(client, data, "data.xml").json()
    over = send(client, state, data, 0, body=b"x" * (PART + 1))
    assert over.status_code == 413
    assert over.json()["error"] == "Часть может быть не больше 700\xa0байт; размер части 1 — 701\xa0байт."
    short = send(client, state, data, 0, body=b"x" * 10)
    assert short.status_code == 400
    assert short.json()["error"] == "В части 1 должно быть 700 байт, а пришло 10; отправьте её ещё раз."
    assert ImportPartsUpload.objects.get().received == 0


def test_a_file_over_the_size_cap_is_refused_before_any_part(client, methodologist, settings):
    settings.NOVATOR_OPENDATA_UPLOAD_MAX_BYTES = 1000
    client.force_login(methodologist)
    response = client.post(START, {"name": "big.zip", "size": 1001})
    assert response.status_code == 413
    assert response.json()["error"].startswith("Файл слишком большой (1001\xa0байт)")
    assert not ImportPartsUpload.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        "ИНН;ОГРН\n2328000000;1234567890123\n".encode() * 40,  # a CSV
        opendata.zipped({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}),  # XLSX
        b"%PDF-1.4 " + b"x" * 2000,
    ],
    ids=["csv", "xlsx", "pdf"],
)
def test_an_assembled_file_that_is_not_xml_or_zip_is_refused_and_deleted(
    client, methodologist, small_parts, data
):
    client.force_login(methodologist)
    state = upload_all(client, data, "data.xml")
    response = client.post(state["finish_url"], {"region": "23"})
    assert response.status_code == 400
    assert response.json()["error"].startswith("Это не открытые данные реестра аккредитованных организаций")
    assert not ImportPartsUpload.objects.exists() and stored(small_parts) == []
    assert not Job.objects.exists() and not OrganizationImport.objects.exists()


def test_a_region_not_in_the_file_fails_the_job_with_the_reason(
    client, methodologist, small_parts, django_capture_on_commit_callbacks
):
    client.force_login(methodologist)
    state = upload_all(client, opendata.sample_xml(), "data.xml")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(state["finish_url"], {"region": "99"})
    job = Job.objects.get()
    assert job.state == Job.State.FAILED
    assert job.error == "В файле нет свидетельств региона «99». Проверьте код или название региона."
    assert not OrganizationImport.objects.exists() and stored(small_parts) == []


def test_another_user_cannot_send_parts_of_an_upload(client, methodologist, kuban):
    from novator.accounts.tests.factories import RoleAssignmentFactory, UserFactory

    client.force_login(methodologist)
    data = opendata.sample_xml()
    state = start(client, data, "data.xml").json()
    other = UserFactory(username="other-methodologist")
    RoleAssignmentFactory(user=other, role="methodologist", municipality=kuban["vyselki"])
    client.force_login(other)
    assert send(client, state, data, 0).status_code == 404
    assert client.post(state["finish_url"], {"region": "23"}).status_code == 404
    assert ImportPartsUpload.objects.get().received == 0


def test_a_part_sent_again_that_arrives_incomplete_takes_the_upload_back_to_it(client, methodologist):
    from novator.organizations import uploads

    client.force_login(methodologist)
    data = opendata.sample_xml()
    state = start(client, data, "data.xml").json()
    for index in range(3):
        send(client, state, data, index)
    upload = ImportPartsUpload.objects.get()
    cut = io.BytesIO(data[PART : PART + 100])  # the connection drops 100 bytes into part 2
    with pytest.raises(uploads.PartsUploadError) as info:
        uploads.parts_upload_write(actor=methodologist, upload=upload, index=1, length=PART, read=cut.read)
    assert info.value.message == "Часть 2 пришла не полностью; отправьте её ещё раз."
    assert ImportPartsUpload.objects.get().received == 1  # part 2 and what follows it are sent again
    assert send(client, state, data, 2).status_code == 409
    assert send(client, state, data, 1).json()["received"] == 2


def test_an_upload_abandoned_long_ago_goes_when_its_user_starts_another(client, methodologist, small_parts):
    import datetime

    from django.utils import timezone

    client.force_login(methodologist)
    data = opendata.sample_xml()
    old = start(client, data, "old.xml").json()
    send(client, old, data, 0)
    recent = start(client, data, "recent.xml").json()
    ImportPartsUpload.objects.filter(token=old["token"]).update(
        created_at=timezone.now() - datetime.timedelta(hours=25)
    )
    start(client, data, "new.xml")
    assert sorted(ImportPartsUpload.objects.values_list("original_name", flat=True)) == [
        "new.xml",
        "recent.xml",
    ]
    assert len(stored(small_parts)) == 2
    assert recent["token"] in {str(t) for t in ImportPartsUpload.objects.values_list("token", flat=True)}
