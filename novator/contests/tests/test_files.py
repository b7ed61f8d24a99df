"""Uploaded documents are checked by content and size; a refused file changes nothing; Django's own
upload limits answer with a clear status, never a 500."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from novator.contests import services
from novator.contests.models import ApplicationDocument

from . import files
from .factories import ApplicationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(contest, org_a):
    return ApplicationFactory(contest=contest, organization=org_a)


def _requirement(application, title):
    return application.contest.required_documents.get(title=title)


def _attach(actor, application, title, upload):
    return services.application_attach_document(
        actor=actor, application=application, requirement=_requirement(application, title), upload=upload
    )


def _refused(actor, application, title, upload, message):
    with pytest.raises(ValidationError) as caught:
        _attach(actor, application, title, upload)
    assert message in " ".join(caught.value.messages)
    assert not ApplicationDocument.objects.filter(application=application).exists()


def test_pdf_is_attached_with_a_safe_name(coordinator, application):
    document = _attach(coordinator, application, "Заявка", files.pdf("Заявка на конкурс (итог).exe"))
    assert document.file_type == "pdf"
    assert document.original_name == "Заявка на конкурс (итог).exe"
    assert document.file.name.rsplit("/", 1)[-1].startswith("Заявка_на_конкурс_итог")
    assert document.file.name.endswith(".pdf")


def test_docx_and_odt_are_accepted_where_allowed(coordinator, application):
    assert _attach(coordinator, application, "Проект", files.docx()).file_type == "docx"
    assert _attach(coordinator, application, "Проект", files.odt()).file_type == "odt"


def test_exe_renamed_pdf_is_refused(coordinator, application):
    _refused(coordinator, application, "Заявка", files.exe_as_pdf(), "content was checked")


def test_png_where_pdf_is_required_is_refused(coordinator, application):
    _refused(coordinator, application, "Заявка", files.png("Заявка.pdf"), "(PDF)")


def test_docx_with_macros_is_refused(coordinator, application):
    _refused(coordinator, application, "Проект", files.docx(macros=True), "macros")


def test_file_over_the_size_limit_is_refused(coordinator, application):
    assert _requirement(application, "Заявка").max_size_mb == 1
    _refused(coordinator, application, "Заявка", files.pdf(size=1_572_864), "too large: 1.5 MB")


def test_empty_file_is_refused(coordinator, application):
    _refused(coordinator, application, "Заявка", SimpleUploadedFile("x.pdf", b""), "empty")


def test_replacing_keeps_the_old_file_when_the_new_one_is_refused(coordinator, application):
    first = _attach(coordinator, application, "Заявка", files.pdf())
    with pytest.raises(ValidationError):
        _attach(coordinator, application, "Заявка", files.exe_as_pdf())
    document = ApplicationDocument.objects.get(application=application)
    assert (document.pk, document.file.name) == (first.pk, first.file.name)


def test_replacing_stores_the_new_file(coordinator, application, django_capture_on_commit_callbacks):
    first = _attach(coordinator, application, "Проект", files.pdf("v1.pdf"))
    old_name, storage = first.file.name, first.file.storage
    with django_capture_on_commit_callbacks(execute=True):
        second = _attach(coordinator, application, "Проект", files.docx("v2.docx"))
    assert second.pk == first.pk
    assert second.file_type == "docx"
    assert not storage.exists(old_name)


def test_stranger_and_submitted_application_cannot_attach(
    coordinator, coordinator_b, application, contest, org_a
):
    with pytest.raises(PermissionDenied):
        _attach(coordinator_b, application, "Заявка", files.pdf())
    application.state = "submitted"
    application.save()
    with pytest.raises(ValidationError, match="cannot be edited"):
        _attach(coordinator, application, "Заявка", files.pdf())


def test_requirement_of_another_contest_is_refused(coordinator, application, municipality):
    from .factories import RequiredDocumentFactory

    foreign = RequiredDocumentFactory()
    with pytest.raises(ValidationError, match="not required"):
        services.application_attach_document(
            actor=coordinator, application=application, requirement=foreign, upload=files.pdf()
        )


# ---------------------------------------------------------------------------------------------------
# Through the page: the same messages, and Django's limits do not end in a 500


def _upload_url(application, title):
    return reverse("contests:application_upload", args=[application.pk, _requirement(application, title).pk])


def test_page_shows_the_message_of_a_refused_file(client, coordinator, application):
    client.force_login(coordinator)
    response = client.post(_upload_url(application, "Заявка"), {"file": files.exe_as_pdf()})
    assert response.status_code == 200
    assert "its content was checked, not its name" in response.content.decode()
    assert not ApplicationDocument.objects.exists()


def test_page_refuses_a_big_file_kept_on_disk_by_django(client, coordinator, application, settings):
    # above FILE_UPLOAD_MAX_MEMORY_SIZE Django streams the upload to a temporary file
    client.force_login(coordinator)
    big = files.pdf(size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE + 1024)
    response = client.post(_upload_url(application, "Заявка"), {"file": big})
    assert response.status_code == 200
    assert "The file is too large" in response.content.decode()
    assert not ApplicationDocument.objects.exists()


def test_page_without_a_file_says_so(client, coordinator, application):
    client.force_login(coordinator)
    response = client.post(_upload_url(application, "Заявка"), {})
    assert response.status_code == 200
    assert "Choose a file." in response.content.decode()


def test_request_body_over_the_data_limit_is_a_400_not_a_500(client, coordinator, application, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client.force_login(coordinator)
    response = client.post(
        reverse("contests:application_detail", args=[application.pk]), {"project_title": "x" * 4096}
    )
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.project_title != "x" * 4096


def test_too_many_files_is_a_400_not_a_500(client, coordinator, application, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    client.force_login(coordinator)
    uploads = [files.pdf(f"{n}.pdf") for n in range(3)]
    response = client.post(_upload_url(application, "Заявка"), {"file": uploads})
    assert response.status_code == 400
    assert not ApplicationDocument.objects.exists()


# --- the application signed by the head -----------------------------------------------------------


def test_the_signed_application_is_printed_and_its_scan_uploaded_back(client, coordinator, application):
    from docx import Document

    from novator.contests.models import ApplicationState, SignedApplication
    from novator.core.docx_check import gost_problems

    url = reverse("contests:application_signed_upload", args=[application.pk])
    client.force_login(coordinator)
    assert (
        client.get(reverse("contests:application_print", args=[application.pk])).status_code == 302
    )  # draft
    with pytest.raises(ValidationError, match="after the application is submitted"):
        services.application_attach_signed_scan(
            actor=coordinator, application=application, upload=files.pdf()
        )
    type(application).objects.filter(pk=application.pk).update(state=ApplicationState.SUBMITTED, number=7)
    response = client.get(reverse("contests:application_print", args=[application.pk]))
    import io

    document = Document(io.BytesIO(b"".join(response.streaming_content)))
    assert gost_problems(document) == []
    text = "\n".join(p.text for p in document.paragraphs)
    assert "ЗАЯВКА" in text and "М.П.\t__.__.20__" in text and "________________" in text
    pdf = client.get(reverse("contests:application_print", args=[application.pk]), {"format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    # a renamed executable and a DOCX are refused; nothing is stored
    for upload in (files.exe_as_pdf("скан.pdf"), SimpleUploadedFile("скан.docx", files.docx_bytes())):
        assert client.post(url, {"file": upload}).status_code == 302
    assert not SignedApplication.objects.exists()
    assert client.post(url, {"file": files.png("скан.png")}).status_code == 302
    scan = SignedApplication.objects.get()
    assert scan.file_type == "png" and scan.original_name == "скан.png"
    assert client.get(reverse("contests:application_signed", args=[application.pk])).status_code == 200
    page = client.get(application.get_absolute_url()).content.decode()
    assert "скан.png" in page


def test_only_the_applicant_uploads_the_signed_scan(client, coordinator_b, application):
    from novator.contests.models import ApplicationState

    type(application).objects.filter(pk=application.pk).update(state=ApplicationState.SUBMITTED)
    with pytest.raises(PermissionDenied):
        services.application_attach_signed_scan(
            actor=coordinator_b, application=application, upload=files.pdf()
        )
