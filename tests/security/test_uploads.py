"""Uploaded files: macros refused (OOXML and old OLE formats), viruses refused through a (fake) clamd."""

from __future__ import annotations

import io
import socket
import struct
import threading
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from novator.core.files import check_upload

from . import figures

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OFFICE = ("pdf", "docx", "xlsx", "odt")


def _ooxml(main: str, content_type: str, extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", f'<Types><Override ContentType="{content_type}"/></Types>')
        archive.writestr(main, "<document/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def _code(upload: SimpleUploadedFile) -> str:
    with pytest.raises(ValidationError) as exc:
        check_upload(upload, allowed=OFFICE, max_bytes=10 * 1024 * 1024)
    figures.add("uploads", "refused")
    return exc.value.code or ""


DOCX_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_CT = "application/vnd.ms-word.document.macroEnabled.main+xml"
XLSM_CT = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.docm", _ooxml("word/document.xml", DOCM_CT, {"word/vbaProject.bin": b"\x00" * 32})),
        # disguised: a macro document renamed to .docx, its content type cleaned, the VBA project kept
        ("report.docx", _ooxml("word/document.xml", DOCX_CT, {"word/vbaProject.bin": b"\x00" * 32})),
        ("table.xlsm", _ooxml("xl/workbook.xml", XLSM_CT, {"xl/vbaProject.bin": b"\x00" * 32})),
        ("table.xlsx", _ooxml("xl/workbook.xml", XLSM_CT)),
        ("ctrl.docx", _ooxml("word/document.xml", DOCX_CT, {"word/activeX/activeX1.bin": b"\x00"})),
    ],
)
def test_ooxml_with_macros_is_refused(name, content):
    assert _code(_upload(name, content)) == "macros"


def test_clean_ooxml_is_accepted():
    assert (
        check_upload(_upload("a.docx", _ooxml("word/document.xml", DOCX_CT)), allowed=OFFICE, max_bytes=10**7)
        == "docx"
    )


def test_old_office_file_with_macros_is_refused_as_macros():
    content = OLE_MAGIC + b"\x00" * 504 + "Macros".encode("utf-16-le") + "_VBA_PROJECT".encode("utf-16-le")
    assert _code(_upload("old.doc", content)) == "macros"


def test_old_office_file_without_macros_is_refused_with_a_hint():
    assert _code(_upload("old.xls", OLE_MAGIC + b"\x00" * 1024)) == "ole"


class FakeClamd:
    """A clamd speaking INSTREAM on a Unix socket: FOUND for the EICAR test string, else OK."""

    def __init__(self, path: Path) -> None:
        self.path = str(path)
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(self.path)
        self.server.listen(5)
        self.scanned = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                command = b""
                while not command.endswith(b"\0"):
                    command += conn.recv(1)
                assert command == b"zINSTREAM\0"
                data = b""
                while True:
                    (size,) = struct.unpack("!L", _recv(conn, 4))
                    if size == 0:
                        break
                    data += _recv(conn, size)
                self.scanned += 1
                verdict = b"stream: Eicar-Test-Signature FOUND\0" if EICAR in data else b"stream: OK\0"
                conn.sendall(verdict)

    def close(self) -> None:
        self.server.close()


def _recv(conn: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        part = conn.recv(size - len(data))
        if not part:
            raise ConnectionError
        data += part
    return data


@pytest.fixture
def clamd(tmp_path, settings):
    fake = FakeClamd(tmp_path / "clamd.sock")
    settings.CLAMD_SOCKET = fake.path
    yield fake
    fake.close()


def test_a_virus_is_refused_when_clamd_is_configured(clamd):
    infected = PDF + EICAR
    assert _code(_upload("paper.pdf", infected)) == "virus"
    assert check_upload(_upload("clean.pdf", PDF), allowed=OFFICE, max_bytes=10**7) == "pdf"
    assert clamd.scanned == 2


def test_uploads_are_refused_when_clamd_does_not_answer(tmp_path, settings):
    settings.CLAMD_SOCKET = str(tmp_path / "nobody-listens.sock")
    assert _code(_upload("clean.pdf", PDF)) == "virus_scan_unavailable"


def test_without_clamd_nothing_is_scanned(settings):
    settings.CLAMD_SOCKET = ""
    assert check_upload(_upload("x.pdf", PDF + EICAR), allowed=OFFICE, max_bytes=10**7) == "pdf"


@pytest.mark.django_db
def test_a_virus_in_an_application_document_changes_nothing(client, clamd, coordinator, org_a):
    """End to end through a real upload form: the document is refused with a message, nothing stored."""
    from django.urls import reverse

    from novator.contests.models import ApplicationDocument
    from novator.contests.tests.factories import ApplicationFactory, contest_with_setup

    contest = contest_with_setup(announced=True, organiser_municipality=org_a.municipality)
    application = ApplicationFactory(contest=contest, organization=org_a)
    requirement = contest.required_documents.first()
    client.force_login(coordinator)
    url = reverse("contests:application_upload", args=[application.pk, requirement.pk])
    response = client.post(url, {"file": _upload("Заявка.pdf", PDF + EICAR)})
    assert response.status_code in (200, 302, 400)
    assert not ApplicationDocument.objects.filter(application=application).exists()
    assert clamd.scanned == 1


@pytest.mark.django_db
def test_a_virus_in_a_registry_import_is_refused(client, clamd, methodologist):
    from django.urls import reverse

    from novator.organizations.models import OrganizationImport
    from novator.organizations.tests.files import csv_bytes, org_row

    client.force_login(methodologist)
    content = csv_bytes([org_row()]) + b"\n" + EICAR
    response = client.post(reverse("organizations:import"), {"file": _upload("registry.csv", content)})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not OrganizationImport.objects.exists()
    assert clamd.scanned == 1
