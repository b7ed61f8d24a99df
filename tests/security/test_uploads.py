"""Uploaded files: macros refused (OOXML and old OLE formats), viruses refused through a (fake) clamd."""

from __future__ import annotations

import io
import socket
import struct
import threading
import time
import zipfile
import zlib
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


# --- macros found by content type and relationships, not by names (issue #20) --------------------------

ODT_MIME = "application/vnd.oasis.opendocument.text"
VBA_CT = "application/vnd.ms-office.vbaProject"
OFFICE_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:script="urn:oasis:names:tc:opendocument:xmlns:script:1.0" '
    'xmlns:xlink="http://www.w3.org/1999/xlink"'
)
#: What LibreOffice writes into content.xml of every document: an empty <office:scripts/>.
PLAIN_CONTENT = (
    f"<office:document-content {OFFICE_NS}><office:scripts/><office:body><office:text>"
    "<text:p>Отчёт</text:p></office:text></office:body></office:document-content>"
)
#: A VBA project as it sits in vbaProject.bin: an OLE file with the VBA storage in its directory.
VBA_PROJECT = (
    OLE_MAGIC + b"\x00" * 504 + "VBA".encode("utf-16-le") + b"\x00" * 60 + "_VBA_PROJECT".encode("utf-16-le")
)


def _zip(members: dict[str, bytes | str], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _odt(content: str = PLAIN_CONTENT, extra: dict[str, bytes | str] | None = None) -> bytes:
    return _zip({"mimetype": ODT_MIME, "content.xml": content, **(extra or {})})


def _docx(content_types: str = "", rels: str = "", extra: dict[str, bytes | str] | None = None) -> bytes:
    types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f'<Override PartName="/word/document.xml" ContentType="{DOCX_CT}"/>{content_types}</Types>'
    )
    relationships = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="styles.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"/>'
        f"{rels}</Relationships>"
    )
    return _zip(
        {
            "[Content_Types].xml": types,
            "word/document.xml": "<w:document/>",
            "word/styles.xml": "<w:styles/>",
            "word/_rels/document.xml.rels": relationships,
            **(extra or {}),
        }
    )


def _script_event(href: str) -> str:
    return PLAIN_CONTENT.replace(
        "<office:scripts/>",
        '<office:scripts><office:event-listeners><script:event-listener script:language="ooo:script" '
        f'script:event-name="dom:load" xlink:href="{href}"/></office:event-listeners></office:scripts>',
    )


MACRO_FILES = {
    "odt-basic-module": (
        "Отчёт.odt",
        _odt(extra={"Basic/Standard/Module1.xml": "<script:module/>", "Basic/script-lc.xml": "<x/>"}),
    ),
    "odt-python-script": ("Отчёт.odt", _odt(extra={"Scripts/python/run.py": "import os"})),
    "odt-script-event-in-content": (
        "Отчёт.odt",
        _odt(_script_event("vnd.sun.star.script:Standard.Module1.Main?language=Basic&amp;location=document")),
    ),
    # the same event with its scheme hidden behind a character reference: found after parsing
    "odt-script-event-escaped": (
        "Отчёт.odt",
        _odt(_script_event("vnd&#46;sun.star.script:Standard.Module1.Main?location=application")),
    ),
    "odt-script-link": (
        "Отчёт.odt",
        _odt(
            PLAIN_CONTENT.replace(
                "<text:p>Отчёт</text:p>",
                '<text:p><text:a xlink:href="vnd.sun.star.script:Tools.Misc.Run?language=Basic&amp;'
                'location=application">Отчёт</text:a></text:p>',
            )
        ),
    ),
    # a link whose scheme is spelled with character references, no event listener anywhere
    "odt-script-link-escaped": (
        "Отчёт.odt",
        _odt(
            PLAIN_CONTENT.replace(
                "<text:p>Отчёт</text:p>",
                '<text:p><text:a xlink:href="&#86;ND.sun.star.script:Tools.Misc.Run">Отчёт</text:a></text:p>',
            )
        ),
    ),
    "odt-script-event-in-styles": (
        "Отчёт.odt",
        _odt(extra={"styles.xml": _script_event("macro:///Standard.Module1.Main")}),
    ),
    # the issue's file: the VBA project at word/macros.bin, declared only by its content type and relationship
    "docx-vba-at-innocent-name": (
        "Отчёт.docx",
        _docx(
            f'<Override PartName="/word/macros.bin" ContentType="{VBA_CT}"/>',
            '<Relationship Id="rId9" Target="macros.bin" '
            'Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject"/>',
            {"word/macros.bin": b"\x00" * 64},
        ),
    ),
    "docx-vba-by-default-extension": (
        "Отчёт.docx",
        _docx(f'<Default Extension="dat" ContentType="{VBA_CT}"/>', extra={"word/a.dat": b"\x00" * 64}),
    ),
    "docx-vba-by-relationship-only": (
        "Отчёт.docx",
        _docx(
            rels='<Relationship Id="rId9" Target="media/x.emf" '
            'Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject"/>',
            extra={"word/media/x.emf": b"\x00" * 64},
        ),
    ),
    "docx-vba-data": (
        "Отчёт.docx",
        _docx('<Override PartName="/word/d.xml" ContentType="application/vnd.ms-word.vbaData+xml"/>'),
    ),
    "docx-activex": (
        "Отчёт.docx",
        _docx(
            '<Override PartName="/word/ctl1.xml" ContentType="application/vnd.ms-office.activeX+xml"/>',
            '<Relationship Id="rId7" Target="ctl1.xml" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/control"/>',
            {"word/ctl1.xml": "<ax:ocx/>"},
        ),
    ),
    # a VBA project under a picture's name with no content type and no relationship: found by its content
    "docx-ole-vba-as-picture": ("Отчёт.docx", _docx(extra={"word/media/image1.png": VBA_PROJECT})),
    "docm-renamed-docx": ("Отчёт.docx", _ooxml("word/document.xml", DOCM_CT)),
    "xlsm-renamed-xlsx": ("Таблица.xlsx", _ooxml("xl/workbook.xml", XLSM_CT)),
    "pptm-renamed-docx": (
        "Слайды.docx",
        _ooxml("ppt/presentation.xml", "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml"),
    ),
    "xlsx-excel4-macro-sheet": (
        "Таблица.xlsx",
        _ooxml(
            "xl/workbook.xml",
            "application/vnd.ms-excel.macrosheet+xml",
            {"xl/macrosheets/sheet1.xml": "<xm:macrosheet/>"},
        ),
    ),
}


@pytest.mark.parametrize("case", list(MACRO_FILES), ids=list(MACRO_FILES))
def test_macros_are_found_by_content_type_relationships_and_content(case):
    name, content = MACRO_FILES[case]
    assert _code(_upload(name, content)) == "macros"


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("Отчёт.odt", _odt(), "odt"),
        # an empty Basic library container, as LibreOffice may keep it: no code
        ("Отчёт.odt", _odt(extra={"Basic/script-lc.xml": "<library:libraries/>"}), "odt"),
        ("Отчёт.docx", _docx(), "docx"),
        # an embedded OLE object (an old equation, a .doc) without a VBA project is not a macro
        ("Отчёт.docx", _docx(extra={"word/embeddings/oleObject1.bin": OLE_MAGIC + b"\x00" * 2048}), "docx"),
        # text that merely mentions a macro scheme in an attribute
        ("Отчёт.odt", _odt(PLAIN_CONTENT.replace("<text:p>", '<text:p text:name="macro: note">')), "odt"),
    ],
)
def test_clean_documents_are_accepted(name, content, kind):
    assert check_upload(_upload(name, content), allowed=OFFICE, max_bytes=10**7) == kind


# --- zip bombs: declared sizes, ratio, a lying header (issue #20) ----------------------------------------


def _streamed(members: dict[str, tuple[bytes, int]]) -> bytes:
    """A zip whose members are `chunk` repeated `times` times, written without holding them in memory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, (chunk, times) in members.items():
            with archive.open(name, "w", force_zip64=True) as member:
                for _ in range(times):
                    member.write(chunk)
    return buffer.getvalue()


def test_the_issues_docx_bomb_is_refused_before_parsing():
    """A ~150 KB DOCX whose [Content_Types].xml unpacks to 150 MB: refused from the central directory."""
    content = _streamed({"[Content_Types].xml": (b" " * 1024 * 1024, 150), "word/document.xml": (b"<w/>", 1)})
    assert len(content) < 400 * 1024
    started = time.monotonic()
    assert _code(_upload("Отчёт.docx", content)) == "zip_too_large"
    assert time.monotonic() - started < 1


def test_a_high_ratio_file_under_the_size_limit_is_refused():
    """5 MB squeezed into a few kilobytes (1000:1): within 100 MB, but no document is squeezed like that."""
    content = _docx(extra={"word/media/blank.xml": b"\x00" * (5 * 1024 * 1024)})
    assert len(content) < 20 * 1024
    assert _code(_upload("Отчёт.docx", content)) == "zip_ratio"


def test_the_limits_are_settings(settings):
    content = _docx(extra={"word/media/data.bin": bytes(range(256)) * 8 * 1024})  # 2 MB, squeezed ~1000×
    assert _code(_upload("Отчёт.docx", content)) == "zip_ratio"
    settings.NOVATOR_UPLOAD_MAX_ZIP_RATIO = 100_000
    settings.NOVATOR_UPLOAD_MAX_UNZIPPED_BYTES = 1024 * 1024
    assert _code(_upload("Отчёт.docx", content)) == "zip_too_large"
    settings.NOVATOR_UPLOAD_MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
    assert check_upload(_upload("Отчёт.docx", content), allowed=OFFICE, max_bytes=10**7) == "docx"


def _forge(content: bytes, name: str, *, declared: int) -> bytes:
    """Rewrite a member's size in both headers, and its CRC to that of the declared prefix: a lying header."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        info = archive.getinfo(name)
        prefix_crc = zlib.crc32(archive.read(name)[:declared])
    data = bytearray(content)
    local = info.header_offset
    struct.pack_into("<I", data, local + 14, prefix_crc)
    struct.pack_into("<I", data, local + 22, declared)
    position = data.find(b"PK\x01\x02")
    while position != -1:
        name_length = struct.unpack_from("<H", data, position + 28)[0]
        if bytes(data[position + 46 : position + 46 + name_length]).decode() == name:
            struct.pack_into("<I", data, position + 16, prefix_crc)
            struct.pack_into("<I", data, position + 24, declared)
        position = data.find(b"PK\x01\x02", position + 4)
    return bytes(data)


def test_a_member_that_inflates_beyond_its_declared_size_is_refused():
    """The header says 3 KB at an honest ratio; the stream inflates to 20 MB. zipfile would inflate it all
    into memory before cutting it to 3 KB; the check stops at the first chunk past the declared size."""
    real = _docx(extra={"word/media/data.xml": b"<a/>" * (5 * 1024 * 1024)})
    forged = _forge(real, "word/media/data.xml", declared=3000)
    with zipfile.ZipFile(io.BytesIO(forged)) as archive:
        assert archive.getinfo("word/media/data.xml").file_size == 3000
    assert _code(_upload("Отчёт.docx", forged)) == "zip_forged"


def test_a_damaged_member_is_refused():
    content = bytearray(_docx(extra={"word/media/data.xml": "<a>" + "текст " * 2000 + "</a>"}))
    with zipfile.ZipFile(io.BytesIO(bytes(content))) as archive:
        info = archive.getinfo("word/media/data.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + 40
    content[start : start + 8] = b"\xff" * 8
    assert _code(_upload("Отчёт.docx", bytes(content))) == "zip_damaged"


def test_a_huge_content_types_part_is_refused_without_parsing_it(settings):
    """Within the size and ratio limits, but 9 MB of [Content_Types].xml would cost seconds of parsing."""
    settings.NOVATOR_UPLOAD_MAX_ZIP_RATIO = 100_000
    content = _ooxml("word/document.xml", DOCX_CT + '"/><Default Extension="x" ContentType="a' * 240_000)
    started = time.monotonic()
    assert _code(_upload("Отчёт.docx", content)) == "zip_damaged"
    assert time.monotonic() - started < 1


def test_a_bzip2_member_is_refused():
    """bzip2 and LZMA inflate without a bound on output; no office document uses them."""
    members = {"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"}
    content = _zip(members, compression=zipfile.ZIP_BZIP2)
    assert _code(_upload("Отчёт.docx", content)) == "zip_damaged"


# --- through the pages: a Russian message, nothing stored ------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("macros", "Офисные документы с макросами не принимаются."),
        ("bomb", "Файл при распаковке занимает больше"),
        ("ratio", "Файл при распаковке увеличивается более чем в 100 раз"),
    ],
)
def test_a_refused_application_document_shows_a_russian_message_and_stores_nothing(
    client, coordinator, org_a, case, message
):
    from django.urls import reverse

    from novator.contests.models import ApplicationDocument
    from novator.contests.tests.factories import ApplicationFactory, contest_with_setup

    files = {
        "macros": ("Заявка.odt", MACRO_FILES["odt-basic-module"][1]),
        "bomb": (
            "Заявка.docx",
            _streamed({"[Content_Types].xml": (b" " * 1024 * 1024, 150), "word/document.xml": (b"<w/>", 1)}),
        ),
        "ratio": ("Заявка.docx", _docx(extra={"word/media/blank.xml": b"\x00" * (5 * 1024 * 1024)})),
    }
    contest = contest_with_setup(announced=True, organiser_municipality=org_a.municipality)
    application = ApplicationFactory(contest=contest, organization=org_a)
    requirement = contest.required_documents.first()
    client.force_login(coordinator)
    url = reverse("contests:application_upload", args=[application.pk, requirement.pk])
    name, content = files[case]
    response = client.post(url, {"file": _upload(name, content)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ApplicationDocument.objects.filter(application=application).exists()


@pytest.mark.django_db
def test_a_forged_registry_xlsx_is_refused(client, methodologist):
    from django.urls import reverse

    from novator.organizations.models import OrganizationImport
    from novator.organizations.tests.files import org_row, xlsx_bytes

    real = xlsx_bytes([org_row()])
    with zipfile.ZipFile(io.BytesIO(real)) as archive:
        sheet = next(n for n in archive.namelist() if n.startswith("xl/worksheets/"))
    forged = _forge(real, sheet, declared=100)
    client.force_login(methodologist)
    response = client.post(reverse("organizations:import"), {"file": _upload("registry.xlsx", forged)})
    assert response.status_code == 200
    assert "поддельный архив" in str(response.context["form"].errors["file"])
    assert not OrganizationImport.objects.exists()
