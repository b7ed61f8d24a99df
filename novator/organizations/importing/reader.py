"""Reading an uploaded registry file (CSV or XLSX, told apart by content) into rows of text cells.

Every limit here protects the server from a hostile or broken file: the size in bytes, the unpacked size
of an XLSX, the number of rows and columns, and runs of empty rows (Excel files that claim a million
rows). Formulas are never evaluated: an XLSX gives its cached values, a formula without one is empty.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import re
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from typing import IO, Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from novator.core import zipcheck

from .columns import COLUMNS_BY_KEY, clean_text, match_header

T = TypeVar("T")

#: Columns beyond this are ignored (the registry has 17); protects against sheets 16,384 cells wide.
MAX_COLUMNS = 64
#: Reading stops after this many empty rows in a row (formatted-but-empty sheets, stray far cells).
MAX_EMPTY_RUN = 1000
#: The header may sit below a title; it is looked for among the first rows that have text.
HEADER_SEARCH_ROWS = 10
# An XLSX of 85,000 rows (a national registry) unpacks to 130 MB or more, squeezed about 25 times; openpyxl
# reads it streamed. settings.NOVATOR_IMPORT_MAX_UNZIPPED_BYTES bounds the unpacked size, and the archive
# is refused when squeezed more than NOVATOR_UPLOAD_MAX_ZIP_RATIO times (a zip bomb: a thousand times) or
# when a member inflates beyond its declared size (novator.core.zipcheck).

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BINARY_SIGNATURES = (
    b"%PDF",
    b"\x89PNG",
    b"GIF8",
    b"\xff\xd8\xff",  # JPEG
)  # other binary files contain NUL or control bytes and are refused below
#: Text formats that are not a table we read: RTF, XML (Excel 2003), HTML saved with an .xls name.
_TEXT_SIGNATURES = (b"{\\rtf", b"<?xml", b"<!doctype", b"<html", b"<table")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


class ImportFileError(Exception):
    """The whole file cannot be imported; `message` says why, in the user's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def not_a_table_error() -> ImportFileError:
    return ImportFileError(
        _(
            "The file is neither CSV nor XLSX. Save the table from Excel or LibreOffice as "
            "«Excel workbook (.xlsx)» or «CSV» and upload it again."
        )
    )


@dataclass
class Table:
    """The rows of a file with the columns recognised in its header row."""

    file_type: str  # "csv", "xlsx" or "xml" (open data)
    header_row: int
    columns: dict[str, int]  # field key → index of the cell in a row
    unknown_columns: list[str]
    rows: list[tuple[int, list[str]]]  # (row number as the spreadsheet shows it, cells)
    notices: list[str] = field(default_factory=list)
    #: row number → why the row cannot be imported, decided while reading (open data: no municipality)
    row_errors: dict[int, str] = field(default_factory=dict)

    def value(self, cells: list[str], key: str) -> str:
        index = self.columns.get(key)
        if index is None or index >= len(cells):
            return ""
        return cells[index]


def max_bytes() -> int:
    return int(settings.NOVATOR_IMPORT_MAX_BYTES)


def max_rows() -> int:
    return int(settings.NOVATOR_IMPORT_MAX_ROWS)


def too_large_error(size: int) -> ImportFileError:
    return ImportFileError(
        _("The file is too large (%(size)s); files up to %(limit)s are accepted.")
        % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes())}
    )


def read_table(source: bytes | IO[bytes]) -> Table:
    """Parse a registry file; raises ImportFileError with a message for the user."""
    return read_rows(source, _tabulate)


def read_rows(source: bytes | IO[bytes], tabulate: Callable[[str, Iterator[tuple[int, list[str]]]], T]) -> T:
    """Check a table file (size, emptiness, an XLSX's archive, a CSV's encoding) and hand its rows —
    (line number, cells) — with its type ("xlsx" or "csv") to `tabulate`. Other uploads of tables (the
    staff list) read their files through this too; raises ImportFileError with a message for the user."""
    data = bytes(source) if isinstance(source, bytes | bytearray) else source.read(max_bytes() + 1)
    if len(data) > max_bytes():
        raise too_large_error(len(data))
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    if _is_zip(data):
        _check_xlsx_archive(data)
        with contextlib.closing(_xlsx_rows(data)) as rows:
            return tabulate("xlsx", rows)
    text = _decode_text(data)
    with contextlib.closing(_csv_rows(text)) as rows:
        return tabulate("csv", rows)


# --- detection -----------------------------------------------------------------------------------


def _is_zip(data: bytes) -> bool:
    return data.startswith((b"PK\x03\x04", b"PK\x05\x06"))


def _check_xlsx_archive(data: bytes) -> None:
    """A zip is an XLSX when it holds xl/workbook.xml; refuse archives that unpack too large or are forged.

    Macros are not refused here: only the cached cell values are read, and the file is never served.
    """
    limit = int(settings.NOVATOR_IMPORT_MAX_UNZIPPED_BYTES)
    try:
        contents = zipcheck.inspect_zip(io.BytesIO(data), max_unzipped=limit, refuse_macros=False)
    except ValidationError as exc:
        if exc.code == "zip_too_large":
            raise ImportFileError(
                _(
                    "The XLSX file unpacks to more than %(limit)s and cannot be imported. Remove pictures "
                    "and extra sheets, or save the table as CSV."
                )
                % {"limit": filesizeformat(limit)}
            ) from exc
        raise ImportFileError(" ".join(exc.messages)) from exc
    if contents is None or "xl/workbook.xml" not in contents.names:
        raise not_a_table_error()


def _decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM (Excel's «Unicode text») or Windows-1251."""
    if data.startswith(_OLE2):
        raise ImportFileError(
            _(
                "This is an old Excel file (.xls) or a password-protected workbook. Open it in Excel, "
                "save it as «Excel workbook (.xlsx)» without a password and upload it again."
            )
        )
    if data.startswith(_BINARY_SIGNATURES) or data.lstrip()[:16].lower().startswith(_TEXT_SIGNATURES):
        raise not_a_table_error()
    text: str | None = None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        with contextlib.suppress(UnicodeDecodeError):
            text = data.decode("utf-16")
    elif b"\x00" not in data:
        for encoding in ("utf-8-sig", "cp1251"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    if text is None or _CONTROL.search(text):
        raise not_a_table_error()
    return text


# --- rows ----------------------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    """A spreadsheet value as text: 2328008790.0 → «2328008790», dates as 01.09.2022."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.strftime("%d.%m.%Y")
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d.%m.%Y")
    return str(value)


def _xlsx_rows(data: bytes) -> Generator[tuple[int, list[str]], None, None]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors on a damaged file
        raise _damaged_xlsx() from exc
    try:
        sheet: Any = workbook.active
        if sheet is None or not hasattr(sheet, "iter_rows"):
            raise _damaged_xlsx()
        # The <dimension> in the file may claim A1:XFD1048576; ignore it and read only real rows,
        # at most MAX_COLUMNS wide. Missing rows come as empty tuples and count towards the empty run.
        sheet.reset_dimensions()
        for number, values in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1):
            yield number, [_cell_text(v) for v in values]
    except ImportFileError:
        raise
    except Exception as exc:
        raise _damaged_xlsx() from exc
    finally:
        workbook.close()


def _damaged_xlsx() -> ImportFileError:
    return ImportFileError(
        _("The XLSX file could not be read; it may be damaged. Open it in Excel and save it again.")
    )


def _sniff_delimiter(text: str) -> str:
    lines = [line for line in text[:65536].splitlines() if line.strip()][:50]
    counts = {d: sum(line.count(d) for line in lines[:HEADER_SEARCH_ROWS]) for d in (";", "\t", ",")}
    try:
        delimiter = csv.Sniffer().sniff("\n".join(lines), delimiters=";,\t").delimiter
    except csv.Error:
        delimiter = ""
    if counts.get(delimiter, 0) == 0:
        delimiter = max(counts, key=lambda d: counts[d])
        if counts[delimiter] == 0:
            delimiter = ";"
    return delimiter


def _csv_rows(text: str) -> Generator[tuple[int, list[str]], None, None]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, cells[:MAX_COLUMNS]
    except csv.Error as exc:
        raise ImportFileError(_("The CSV file could not be read: %(error)s") % {"error": exc}) from exc


def _tabulate(file_type: str, source: Iterator[tuple[int, list[str]]]) -> Table:
    limit = max_rows()
    notices: list[str] = []
    candidates: list[tuple[int, list[str]]] = []
    header: tuple[int, list[str]] | None = None
    rows: list[tuple[int, list[str]]] = []
    empty_run = 0
    for number, raw in source:
        cells = [clean_text(c) for c in raw]
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            empty_run += 1
            if empty_run >= MAX_EMPTY_RUN:
                notices.append(
                    _(
                        "Reading stopped at row %(row)d after %(count)d empty rows in a row; "
                        "anything below was ignored."
                    )
                    % {"row": number, "count": MAX_EMPTY_RUN}
                )
                break
            continue
        empty_run = 0
        if header is None:
            candidates.append((number, cells))
            found, _unknown = match_header(cells)
            if len(found) >= 2:
                header = (number, cells)
            elif len(candidates) >= HEADER_SEARCH_ROWS:
                break
            continue
        rows.append((number, cells))
        if len(rows) > limit:
            raise ImportFileError(
                _("The file has more than %(limit)d rows. Split it into several files.") % {"limit": limit}
            )
    if header is None:
        if not candidates:
            raise ImportFileError(_("The file has no rows with data."))
        header = candidates[0]
    columns, unknown = match_header(header[1])
    _require_columns(columns)
    if unknown:
        skipped = ", ".join(f"«{c}»" for c in unknown)
        notices.append(_("These columns are not used and were skipped: %(columns)s.") % {"columns": skipped})
    if not rows:
        raise ImportFileError(_("The file has column headers but no rows with organisations."))
    return Table(file_type, header[0], columns, unknown, rows, notices)


def _require_columns(columns: dict[str, int]) -> None:
    missing = []
    for keys in (("inn",), ("ogrn",), ("short_name", "full_name"), ("oktmo", "municipality")):
        if not any(k in columns for k in keys):
            missing.append(" / ".join(f"«{COLUMNS_BY_KEY[k].header}»" for k in keys))
    if missing:
        raise ImportFileError(
            _(
                "Required columns are missing: %(columns)s. The first row of the table must hold the "
                "column headers."
            )
            % {"columns": ", ".join(missing)}
        )
