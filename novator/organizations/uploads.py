"""A registry file uploaded in parts: the federal open data (XML or ZIP, a gigabyte and more) cannot
come in one request, nor be held in memory.

The page's script starts an upload (`parts_upload_start`: name and size, refused above
settings.NOVATOR_OPENDATA_UPLOAD_MAX_BYTES), then sends the parts in order (`parts_upload_write`, each of
`part_size` bytes but the last), each streamed from the request into its place in one file of the
private storage. A part sent again (the answer to it was lost) is written again in its place; a part
that skips one is refused with the number of the part expected, from which the script resumes.
`parts_upload_finish` checks that every part is there and that the assembled file is the open data
(XML, or a ZIP with one XML file), then hands it to the preview; nothing of a refused upload stays.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from novator.core.files import scan_for_viruses

from .importing.opendata import is_opendata_file, not_opendata_error
from .models import ImportPartsUpload

#: Bytes read from the request and written to disk at a time.
_BLOCK = 1 << 16


class PartsUploadError(Exception):
    """Why an upload or one of its parts was refused, for the user; `status` is the HTTP answer, and
    `expected` the part to send next when the parts went out of order."""

    def __init__(self, message: str, *, status: int = 400, expected: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.expected = expected


def max_upload_bytes() -> int:
    return int(getattr(settings, "NOVATOR_OPENDATA_UPLOAD_MAX_BYTES", 4 * 2**30))


def part_bytes() -> int:
    return int(getattr(settings, "NOVATOR_IMPORT_PART_BYTES", 5 * 2**20))


def abandoned_after_hours() -> int:
    """An upload in parts not finished after this many hours is deleted when its user starts another."""
    return int(getattr(settings, "NOVATOR_IMPORT_PARTS_KEEP_HOURS", 24))


def parts_upload_path(upload: ImportPartsUpload) -> Path:
    return Path(default_storage.path(upload.file_name))


def _require_owner(actor: Any, upload: ImportPartsUpload) -> None:
    if not actor.has_perm("organizations.import_organizations") or upload.created_by_id != actor.pk:
        raise PermissionDenied


def parts_upload_start(*, actor: Any, name: str, size: int) -> ImportPartsUpload:
    """A new upload of `size` bytes; its parts are then sent with `parts_upload_write`."""
    if not actor.has_perm("organizations.import_organizations"):
        raise PermissionDenied
    if size <= 0:
        raise PartsUploadError(_("The file is empty."))
    if size > max_upload_bytes():
        raise PartsUploadError(
            _("The file is too large (%(size)s); files up to %(limit)s are accepted.")
            % {"size": filesizeformat(size), "limit": filesizeformat(max_upload_bytes())},
            status=413,
        )
    # uploads of this user abandoned long ago go with their files (a gigabyte each, possibly)
    stale = timezone.now() - datetime.timedelta(hours=abandoned_after_hours())
    for old in ImportPartsUpload.objects.filter(created_by=actor, created_at__lt=stale):
        parts_upload_discard(old)
    upload = ImportPartsUpload.objects.create(
        created_by=actor, original_name=(name or "opendata.xml")[:255], size=size, part_size=part_bytes()
    )
    path = parts_upload_path(upload)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()
    return upload


def parts_upload_write(
    *, actor: Any, upload: ImportPartsUpload, index: int, length: int, read: Callable[[int], bytes]
) -> ImportPartsUpload:
    """Write part `index` (0-based) of `length` bytes, read by `read(n)` from the request, in its place.

    Parts come in order; the part already received last (or any earlier one) may come again and is
    written again in its place. A part that is not the size it must be, or over the part size, is
    refused before anything is written. No transaction is held while the part streams in (SQLite would
    hold its write lock for the whole transfer): the count of parts received moves afterwards, in one
    conditional UPDATE, and only from the part before it; a part sent again that arrives incomplete
    takes the count back to it, so that the damaged part is sent once more.
    """
    _require_owner(actor, upload)
    upload.refresh_from_db(fields=["received"])
    if not 0 <= index < upload.parts:
        raise PartsUploadError(
            _("The file has %(parts)d parts; there is no part %(number)d.")
            % {"parts": upload.parts, "number": index + 1}
        )
    if index > upload.received:
        raise _out_of_order(index, upload.received)
    if length > upload.part_size:
        raise PartsUploadError(
            _("A part may be at most %(limit)s; part %(number)d has %(size)s.")
            % {
                "limit": filesizeformat(upload.part_size),
                "number": index + 1,
                "size": filesizeformat(length),
            },
            status=413,
        )
    offset = index * upload.part_size
    wanted = min(upload.part_size, upload.size - offset)
    if length != wanted:
        raise PartsUploadError(
            _("Part %(number)d must have %(wanted)d bytes, it has %(length)d; send it again.")
            % {"number": index + 1, "wanted": wanted, "length": length}
        )
    rows = ImportPartsUpload.objects.filter(pk=upload.pk)
    with parts_upload_path(upload).open("r+b") as target:
        target.seek(offset)
        left = length
        while left:
            block = read(min(_BLOCK, left))
            if not block:
                rows.filter(received__gt=index).update(received=index)
                raise PartsUploadError(
                    _("Part %(number)d arrived incomplete; send it again.") % {"number": index + 1}
                )
            target.write(block)
            left -= len(block)
    if index == upload.received and not rows.filter(received=index).update(received=index + 1):
        upload.refresh_from_db(fields=["received"])
        if upload.received <= index:
            raise _out_of_order(index, upload.received)
    upload.refresh_from_db(fields=["received"])
    return upload


def _out_of_order(index: int, received: int) -> PartsUploadError:
    return PartsUploadError(
        _("Part %(number)d arrived before part %(expected)d; the upload goes on from part %(expected)d.")
        % {"number": index + 1, "expected": received + 1},
        status=409,
        expected=received,
    )


def parts_upload_discard(upload: ImportPartsUpload) -> None:
    """The upload and its file go (refused, or handed over to the import)."""
    path = parts_upload_path(upload)
    upload.delete()
    path.unlink(missing_ok=True)


def parts_upload_finish(*, actor: Any, upload: ImportPartsUpload) -> Path:
    """The assembled file, checked: every part there, the size declared, the open data by its content
    (XML with <OpenData>, or a ZIP with one XML file) and no virus. A refused file is deleted."""
    _require_owner(actor, upload)
    if upload.received < upload.parts:
        raise PartsUploadError(
            _("Part %(number)d of %(parts)d has not arrived; the upload goes on from it.")
            % {"number": upload.received + 1, "parts": upload.parts},
            status=409,
            expected=upload.received,
        )
    path = parts_upload_path(upload)
    if not path.exists() or os.path.getsize(path) != upload.size:
        parts_upload_discard(upload)
        raise PartsUploadError(_("The uploaded file is incomplete; upload it again."))
    if not is_opendata_file(path):
        parts_upload_discard(upload)
        raise PartsUploadError(not_opendata_error().message)
    try:
        with path.open("rb") as stored:
            scan_for_viruses(stored)
    except ValidationError as exc:
        parts_upload_discard(upload)
        raise PartsUploadError(" ".join(exc.messages)) from exc
    return path
