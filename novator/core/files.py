"""Uploaded files: type by content (never by name), size limits, safe names, macros refused.

Files are stored in the private storage (outside the web root) and served only by views that check
permissions and answer with `Content-Disposition: attachment` (`attachment_response`).
"""

from __future__ import annotations

import logging
import re
import socket
import struct
import unicodedata
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _

from . import zipcheck

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
_OLE_MAGIC = zipcheck.OLE_MAGIC
# Storage names of VBA projects inside OLE (.doc/.xls/.ppt) files, as UTF-16LE directory entries.
# (_VBA_PROJECT in Word's Macros/VBA, _VBA_PROJECT_CUR in Excel).
_OLE_MACRO_MARKERS = (zipcheck.VBA_MARKER,)
#: Main parts of OOXML packages by their content type (lower case).
_OOXML_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
}
logger = logging.getLogger(__name__)


def _zip_type(fileobj: IO[bytes]) -> str | None:
    """DOCX, XLSX or ODT after the archive checks (sizes, ratio, a forged header, macros: `zipcheck`)."""
    contents = zipcheck.inspect_zip(fileobj)
    if contents is None:
        return None
    if contents.odf_mimetype is not None:
        return "odt" if contents.odf_mimetype == FILE_TYPES["odt"]["mime"] else None
    if contents.is_ooxml:
        for content_type in contents.content_types:
            if content_type in _OOXML_MAIN_TYPES:
                return _OOXML_MAIN_TYPES[content_type]
        if "word/document.xml" in contents.names:
            return "docx"
        if "xl/workbook.xml" in contents.names:
            return "xlsx"
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
        if head.startswith(_OLE_MAGIC):
            _refuse_ole(fileobj)
        return None
    finally:
        fileobj.seek(0)


def _refuse_ole(fileobj: IO[bytes]) -> None:
    """Old binary Office files (.doc, .xls, .ppt) are refused: with macros, say so; else ask for DOCX/XLSX.

    olefile is not a dependency; the VBA storages are found by their UTF-16 names in the directory.
    """
    fileobj.seek(0)
    content = fileobj.read(50 * 1024 * 1024)
    fileobj.seek(0)
    if any(marker in content for marker in _OLE_MACRO_MARKERS):
        raise ValidationError(zipcheck.MACROS_MESSAGE, code="macros")
    raise ValidationError(
        _(
            "Old Microsoft Office formats (.doc, .xls, .ppt) are not accepted: "
            "save the file as DOCX, XLSX or PDF."
        ),
        code="ole",
    )


def scan_for_viruses(fileobj: IO[bytes]) -> None:
    """Ask ClamAV (clamd's INSTREAM command) about the file when settings.CLAMD_SOCKET is set.

    CLAMD_SOCKET is a Unix socket path or `tcp://host:port`. A virus, or clamd not answering, refuses the
    upload (fail closed): an unchecked file is not stored.
    """
    address = getattr(settings, "CLAMD_SOCKET", "")
    if not address:
        return
    try:
        verdict = _clamd_instream(address, fileobj)
    except OSError as exc:
        logger.error("clamd at %s did not answer: %s", address, exc)
        raise ValidationError(
            _("The file could not be checked for viruses right now; try again in a few minutes."),
            code="virus_scan_unavailable",
        ) from exc
    finally:
        fileobj.seek(0)
    if verdict.endswith("FOUND"):
        logger.warning("clamd refused an upload: %s", verdict)
        raise ValidationError(_("The file contains a virus and was not accepted."), code="virus")
    if not verdict.endswith("OK"):
        logger.error("clamd answered %r", verdict)
        raise ValidationError(
            _("The file could not be checked for viruses right now; try again in a few minutes."),
            code="virus_scan_unavailable",
        )


def _clamd_instream(address: str, fileobj: IO[bytes], timeout: float = 30.0) -> str:
    if address.startswith("tcp://"):
        host, _sep, port = address[6:].rpartition(":")
        sock = socket.create_connection((host, int(port)), timeout=timeout)
    else:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        sock.connect(address)
    with sock:
        sock.sendall(b"zINSTREAM\0")
        fileobj.seek(0)
        while chunk := fileobj.read(64 * 1024):
            sock.sendall(struct.pack("!L", len(chunk)) + chunk)
        sock.sendall(struct.pack("!L", 0))
        answer = b""
        while not answer.endswith(b"\0"):
            part = sock.recv(4096)
            if not part:
                break
            answer += part
    return answer.rstrip(b"\0").decode("utf-8", "replace").strip()


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
    scan_for_viruses(upload)
    return kind


def check_uploads(
    uploads: Any,
    *,
    max_files: int,
    allowed: tuple[str, ...] | list[str],
    max_bytes: int,
    errors: dict[str, list[str]],
    field: str = "files",
) -> tuple[list[Any], list[str]]:
    """Several attachments of one form: at most `max_files`, each checked by `check_upload`. The problems
    go into `errors[field]`; returns the files given and the kinds of those that passed."""
    files = [u for u in uploads if u]
    if len(files) > max_files:
        errors[field] = [_("At most %(n)d files can be attached.") % {"n": max_files}]
    kinds = []
    for upload in files[:max_files]:
        try:
            kinds.append(check_upload(upload, allowed=allowed, max_bytes=max_bytes))
        except ValidationError as exc:
            errors.setdefault(field, []).extend(exc.messages)
    return files, kinds


def safe_filename(original: str, kind: str) -> str:
    """A file name safe for any file system: letters (Cyrillic kept), digits, - and _; our extension."""
    stem = original.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    stem = unicodedata.normalize("NFC", stem)
    stem = re.sub(r"[^\w\-]+", "_", stem, flags=re.UNICODE).strip("._-")[:80] or "file"
    return f"{stem}.{FILE_TYPES[kind]['ext']}"


def store_uploads(model: Any, uploads: list[Any], kinds: list[str], **owner: Any) -> list[Any]:
    """Save checked uploads (`check_uploads` gave their kinds) as rows of `model`, a model with `file`,
    `original_name`, `file_type` and `size`; `owner` names the row they belong to (`appeal=…`)."""
    stored = []
    for upload, kind in zip(uploads, kinds, strict=True):
        row = model(
            **owner, original_name=str(getattr(upload, "name", ""))[:255], file_type=kind, size=upload.size
        )
        row.file.save(safe_filename(row.original_name, kind), upload, save=False)
        row.save()
        stored.append(row)
    return stored


def attachment_response(fieldfile: Any, download_name: str) -> FileResponse:
    """Serve a stored file as an attachment (never inline), with a safe content type.

    Private files carry personal data: no browser or proxy keeps a copy (`Cache-Control: no-store`).
    """
    kind = download_name.rsplit(".", 1)[-1].lower()
    content_type = FILE_TYPES.get(kind, {}).get("mime", "application/octet-stream")
    response = FileResponse(
        fieldfile.open("rb"), as_attachment=True, filename=download_name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    add_never_cache_headers(response)
    return response
