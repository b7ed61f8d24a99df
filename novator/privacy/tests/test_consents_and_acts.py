"""Scans of signed consents on the person; the act of destruction made at erasure."""

from __future__ import annotations

import io

import docx
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from novator.contests.tests.factories import PDF
from novator.core.docx_check import gost_problems
from novator.organizations.tests.factories import PersonFactory
from novator.privacy import services
from novator.privacy.models import AccessKind, ConsentScan, DestructionAct, PersonalDataAccess

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(org_a):
    return PersonFactory(
        organization=org_a,
        consented=True,
        last_name="Подписанова",
        first_name="Вера",
        middle_name="Ильинична",
    )


def _pdf(name="Согласие Подписановой.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_a_methodologist_attaches_a_scan_and_it_is_stored_without_the_name(person, methodologist):
    scan = services.consent_scan_add(actor=methodologist, person=person, kind="distribution", upload=_pdf())
    assert scan.file_type == "pdf"
    assert "Подписанов" not in scan.file.name
    assert scan.file.read() == PDF
    exported = services.person_export(actor=methodologist, person=person)
    assert [row["kind"] for row in exported["consent_scans"]] == ["distribution"]


def test_a_scan_is_checked_by_content(person, admin_user):
    fake = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        services.consent_scan_add(actor=admin_user, person=person, kind="processing", upload=fake)
    assert "file" in exc.value.message_dict
    assert not ConsentScan.objects.exists()


def test_a_coordinator_and_a_stranger_cannot_attach_a_scan(person, coordinator, other_methodologist):
    for actor in (coordinator, other_methodologist):
        with pytest.raises(PermissionDenied):
            services.consent_scan_add(actor=actor, person=person, kind="processing", upload=_pdf())
    assert not ConsentScan.objects.exists()


def test_the_scan_is_downloaded_only_by_those_who_see_the_persons_data(
    client, person, methodologist, other_methodologist, coordinator
):
    services.consent_scan_add(actor=methodologist, person=person, kind="processing", upload=_pdf())
    url = reverse("privacy:consent_scan", args=[person.pk, "processing"])
    client.force_login(methodologist)
    card = client.get(reverse("privacy:person", args=[person.pk])).content.decode()
    assert url in card
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "no-store" in response["Cache-Control"]
    assert PersonalDataAccess.objects.filter(person=person, actor=methodologist, path=url).exists()
    for stranger in (other_methodologist, coordinator):
        client.force_login(stranger)
        assert client.get(url).status_code == 403


def test_the_upload_page_refuses_a_wrong_file_with_a_message(client, person, methodologist):
    client.force_login(methodologist)
    response = client.post(
        reverse("privacy:consent_scan_upload", args=[person.pk]),
        {"kind": "processing", "file": SimpleUploadedFile("a.pdf", b"plain text")},
        follow=True,
    )
    assert response.status_code == 200
    from django.contrib import messages as m

    shown = [(message.level, str(message)) for message in response.context["messages"]]
    assert shown and all(level == m.ERROR for level, _ in shown)
    assert any("PDF" in text for _, text in shown)  # the allowed types are named
    assert not ConsentScan.objects.exists()


def _act_text(act: DestructionAct) -> str:
    with act.file.open("rb") as handle:
        document = docx.Document(io.BytesIO(handle.read()))
    assert gost_problems(document) == []
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_erasure_makes_an_act_and_destroys_the_scans(
    person, admin_user, methodologist, settings, django_capture_on_commit_callbacks
):
    settings.PERSONAL_DATA_OPERATOR = "МКУ «Центр развития образования»"
    scan = services.consent_scan_add(actor=methodologist, person=person, kind="processing", upload=_pdf())
    storage, name = scan.file.storage, scan.file.name
    assert not DestructionAct.objects.filter(person=person).exists()  # made only at erasure
    with django_capture_on_commit_callbacks(execute=True):  # the files go once the erasure is committed
        services.person_erase(
            actor=admin_user, person=person, confirmation=str(person.pk), reason="заявление"
        )
    act = DestructionAct.objects.get(person=person)
    assert "Подписанов" not in act.file.name and "Подписанов" not in act.reason
    text = _act_text(act)
    assert "АКТ № " in text and "об уничтожении персональных данных" in text
    assert "Подписанова Вера Ильинична" in text  # the form names the subject (docs/personal-data.md)
    assert "МКУ «Центр развития образования»" in text
    assert "сканы подписанных согласий (1)" in text
    assert "заявление" in text
    erase_entry = PersonalDataAccess.objects.get(person=person, kind=AccessKind.ERASE)
    assert f"запись № {erase_entry.pk}" in text
    assert not ConsentScan.objects.filter(person=person).exists()
    assert not storage.exists(name)


def test_the_operator_downloads_the_act(client, person, admin_user, methodologist):
    services.person_erase(actor=admin_user, person=person, confirmation=str(person.pk))
    url = reverse("privacy:destruction_act", args=[person.pk])
    client.force_login(admin_user)
    assert url in client.get(reverse("privacy:person", args=[person.pk])).content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]
    client.force_login(methodologist)
    assert client.get(url).status_code == 403


def test_purge_makes_an_act_too(org_a, settings):
    import datetime

    today = datetime.date(2026, 6, 1)
    gone = PersonFactory(
        organization=org_a,
        processing_consent_on=datetime.date(2025, 1, 1),
        processing_consent_withdrawn_on=datetime.date(2026, 4, 1),
    )
    services.purge_personal_data(today=today)
    act = DestructionAct.objects.get(person=gone)
    assert "автоматически" in _act_text(act)
