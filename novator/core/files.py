"""Uploaded files: type by content (never by name), size limits, safe names, macros refused.

Files are stored in the private storage (outside the web root) and served only by views that check
permissions and answer with `Content-Disposition: attachment` (`attachment_response`).
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils.translation import gettext_lazy as _

#: Types a user may be asked for, with their labels and the extension we store them with.
FILE_TYPES: dict[str, dict[str, str]] = {
    "pdf": {"label": "PDF", "ext": "pdf", "mime": "application/pdf"},
    "docx": {
        "label": "DOCX",
        "ext": "docx",
        "mime": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    },
    "odt": {"label": "ODT", "ext": "odt", "mime": "application/vnd.oasis.opendocument.text"},
    "xlsx": {
        "label": "XLSX",
        "ext": "xlsx",
        "mime": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    },
    "jpg": {"label": "JPG", "ext": "jpg", "mime": "image/jpeg"},
    "png": {"label": "PNG", "ext": "png", "mime": "image/png"},
}
DOCUMENT_TYPES = ("pdf", "docx", "odt", "jpg", "png")
_ZIP_MEMBER_LIMIT = 200 * 1024 * 1024  # uncompressed, against zip bombs


def _zip_type(fileobj: IO[bytes]) -> str | None:
    try:
        with zipfile.ZipFile(fileobj) as archive:
            names = set(archive.namelist())
            if sum(info.file_size for info in archive.infolist()) > _ZIP_MEMBER_LIMIT:
                raise ValidationError(
                    _("The archive inside the file is suspiciously large."), code="zip_bomb"
                )
            lowered = {n.lower() for n in names}
            if any(n.endswith("vbaproject.bin") for n in lowered):
                raise ValidationError(_("Office documents with macros are not accepted."), code="macros")
            if "mimetype" in names:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                if mimetype == FILE_TYPES["odt"]["mime"]:
                    return "odt"
                return None
            if "[Content_Types].xml" in names:
                content_types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
                if "macroEnabled" in content_types:
                    raise ValidationError(_("Office documents with macros are not accepted."), code="macros")
                if "word/document.xml" in names:
                    return "docx"
                if "xl/workbook.xml" in names:
                    return "xlsx"
    except zipfile.BadZipFile:
        return None
    return None


def detect_type(fileobj: IO[bytes]) -> str | None:
    """The file's real type from its first bytes (and, for zip-based formats, its members)."""
    fileobj.seek(0)
    head = fileobj.read(8)
    fileobj.seek(0)
    try:
        if head.startswith(b"%PDF-"):
            return "pdf"
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            return "png"
        if head.startswith(b"\xff\xd8\xff"):
            return "jpg"
        if head.startswith(b"PK\x03\x04"):
            return _zip_type(fileobj)
        return None
    finally:
        fileobj.seek(0)


def check_upload(upload: Any, *, allowed: tuple[str, ...] | list[str], max_bytes: int) -> str:
    """Validate an uploaded file; return its detected type or raise ValidationError with a clear message."""
    if upload is None:
        raise ValidationError(_("Choose a file."), code="required")
    size = getattr(upload, "size", None) or 0
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > max_bytes:
        raise ValidationError(
            _("The file is too large: %(size)s MB, at most %(max)s MB is allowed."),
            code="too_large",
            params={"size": f"{size / 1048576:.1f}", "max": f"{max_bytes / 1048576:.0f}"},
        )
    kind = detect_type(upload)
    allowed_labels = ", ".join(FILE_TYPES[t]["label"] for t in allowed)
    if kind is None or kind not in allowed:
        raise ValidationError(
            _(
                "The file «%(name)s» is not one of the allowed types (%(types)s); its content was checked, "
                "not its name."
            ),
            code="file_type",
            params={"name": getattr(upload, "name", ""), "types": allowed_labels},
        )
    return kind


def safe_filename(original: str, kind: str) -> str:
    """A file name safe for any file system: letters (Cyrillic kept), digits, - and _; our extension."""
    stem = original.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    stem = unicodedata.normalize("NFC", stem)
    stem = re.sub(r"[^\w\-]+", "_", stem, flags=re.UNICODE).strip("._-")[:80] or "file"
    return f"{stem}.{FILE_TYPES[kind]['ext']}"


def attachment_response(fieldfile: Any, download_name: str) -> FileResponse:
    """Serve a stored file as an attachment (never inline), with a safe content type."""
    kind = download_name.rsplit(".", 1)[-1].lower()
    content_type = FILE_TYPES.get(kind, {}).get("mime", "application/octet-stream")
    response = FileResponse(
        fieldfile.open("rb"), as_attachment=True, filename=download_name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
