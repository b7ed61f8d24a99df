"""The templates an office owns: download, edit in Word keeping the placeholders, upload back (checked),
versions kept, the default restored in one click; the documents are built from the office's version."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from novator.contests.tests.factories import contest_with_setup
from novator.core.docx_check import gost_problems
from novator.documents import services, templates_office
from novator.documents.models import OfficeTemplate

pytestmark = pytest.mark.django_db

MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _edited(kind: str, *, add: str = "", drop: str = "") -> SimpleUploadedFile:
    """The default template as an office edits it in Word: a paragraph added, or one removed."""
    document = Document(str(templates_office.DEFAULTS[kind]))
    if drop:
        for paragraph in document.paragraphs:
            if drop in paragraph.text:
                paragraph._p.getparent().remove(paragraph._p)
    if add:
        document.paragraphs[0].insert_paragraph_before(add)
    buffer = io.BytesIO()
    document.save(buffer)
    return SimpleUploadedFile(f"{kind}.docx", buffer.getvalue(), content_type=MIME)


def test_an_edited_template_builds_the_municipalitys_documents(methodologist, municipality):
    from novator.expertise import documents

    contest = contest_with_setup(organiser_municipality=municipality)
    upload = _edited("announcement", add="СОГЛАСОВАНО: {{ head_signature }}")
    template = services.office_template_upload(
        actor=methodologist, municipality=municipality, kind="announcement", upload=upload
    )
    assert (template.version, template.is_active) == (1, True)
    content = documents.render(
        "announcement.docx", documents.announcement_context(contest), municipality=municipality
    )
    document = Document(io.BytesIO(content))
    assert document.paragraphs[0].text.startswith("СОГЛАСОВАНО: ")
    assert gost_problems(document) == []
    # a second version replaces the first in use; restoring the default keeps both versions
    services.office_template_upload(
        actor=methodologist, municipality=municipality, kind="announcement", upload=_edited("announcement")
    )
    assert list(OfficeTemplate.objects.values_list("version", "is_active")) == [(2, True), (1, False)]
    services.office_template_restore_default(
        actor=methodologist, municipality=municipality, kind="announcement"
    )
    assert not OfficeTemplate.objects.filter(is_active=True).exists()
    assert OfficeTemplate.objects.count() == 2
    default = documents.render(
        "announcement.docx", documents.announcement_context(contest), municipality=municipality
    )
    assert "СОГЛАСОВАНО" not in "\n".join(p.text for p in Document(io.BytesIO(default)).paragraphs)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            lambda: _edited("minutes", add="{{ chairman }} {{ minutes_number }}"),
            "Неизвестные метки: {{ chairman }}",
        ),
        (
            lambda: _edited("minutes", drop="{{ secretary }}"),
            "Не хватает меток: {{ secretary }}",
        ),
        (lambda: _edited("minutes", add="{{ organiser "), "повреждена метка или тег"),
        (
            lambda: SimpleUploadedFile("minutes.docx", b"%PDF-1.4 not a docx", content_type=MIME),
            "проверялось содержимое файла",
        ),
    ],
)
def test_a_template_with_wrong_placeholders_is_refused_with_their_names(
    methodologist, municipality, upload, message
):
    with pytest.raises(ValidationError) as error:
        services.office_template_upload(
            actor=methodologist, municipality=municipality, kind="minutes", upload=upload()
        )
    assert message in " ".join(error.value.messages)
    assert not OfficeTemplate.objects.exists()


def test_another_municipalitys_methodologist_may_not_upload(other_methodologist, municipality, client):
    with pytest.raises(PermissionDenied):
        services.office_template_upload(
            actor=other_methodologist, municipality=municipality, kind="minutes", upload=_edited("minutes")
        )
    client.force_login(other_methodologist)
    url = reverse("documents:template_download", args=[municipality.pk, "minutes"])
    assert client.get(url).status_code == 403


def test_the_page_offers_the_default_and_the_versions(methodologist, municipality, client):
    client.force_login(methodologist)
    url = reverse("documents:template_upload", args=[municipality.pk, "order"])
    assert client.post(url, {"file": _edited("order")}).status_code == 302
    page = client.get(reverse("documents:templates")).content.decode()
    assert "?version=1" in page and "?default=1" in page
    download = client.get(
        reverse("documents:template_download", args=[municipality.pk, "order"]), {"version": 1}
    )
    assert download.status_code == 200 and download["Content-Type"] == MIME
    assert (
        client.post(reverse("documents:template_restore", args=[municipality.pk, "order"])).status_code == 302
    )
    assert not OfficeTemplate.objects.filter(is_active=True).exists()
