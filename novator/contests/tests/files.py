"""Uploads built in memory for the file checks: real PDF/PNG/JPEG heads, DOCX and ODT zips, macros, EXE."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from .factories import PDF

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def pdf(name: str = "Заявка.pdf", size: int | None = None) -> SimpleUploadedFile:
    """A PDF; with `size`, padded to that many bytes."""
    content = PDF if size is None else PDF + b"%" * max(0, size - len(PDF))
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png(name: str = "scan.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def exe_as_pdf(name: str = "Заявка.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, EXE, content_type="application/pdf")


def docx_bytes(*, macros: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        content_types = '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("word/document.xml", "<w:document/>")
        if macros:
            archive.writestr("word/vbaProject.bin", b"\x00" * 64)
    return buffer.getvalue()


def docx(name: str = "Проект.docx", *, macros: bool = False) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, docx_bytes(macros=macros))


def odt(name: str = "Проект.odt") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return SimpleUploadedFile(name, buffer.getvalue())
