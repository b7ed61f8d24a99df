"""Export of the registry to CSV and XLSX, in exactly the columns the import reads back.

Rows are produced lazily from the queryset (`iterator()`), CSV is streamed and XLSX is written by
XlsxWriter in constant-memory mode, so a large registry never sits in memory whole. A cell that a
spreadsheet would take for a formula (= + - @ …) is guarded: in CSV by a leading apostrophe, in XLSX by
Excel's own «quote prefix» (the apostrophe typed in Excel's cell), and the import removes the guard.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, Any

from django.db.models import QuerySet

from novator.core.dates import ddmmyyyy

from .importing import EXPORT_HEADERS, FORMULA_TRIGGERS, KIND_WORDS, SUBTYPE_WORDS, bool_text
from .importing.columns import COLUMNS
from .models import Organization

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_VALUES: dict[str, Callable[[Organization], str]] = {
    "inn": lambda o: o.inn,
    "ogrn": lambda o: o.ogrn,
    "kpp": lambda o: o.kpp or "",
    "full_name": lambda o: o.full_name,
    "short_name": lambda o: o.short_name,
    "kind": lambda o: KIND_WORDS.get(o.kind, o.kind),
    "subtype": lambda o: SUBTYPE_WORDS.get(o.subtype, o.subtype),
    "oktmo": lambda o: o.municipality.oktmo,
    "municipality": lambda o: o.municipality.name,
    "address": lambda o: o.address,
    "head_name": lambda o: o.head_name,
    "head_position": lambda o: o.head_position,
    "phone": lambda o: o.phone,
    "email": lambda o: o.email,
    "website": lambda o: o.website,
    "parent_inn": lambda o: o.parent.inn if o.parent_id and o.parent else "",
    "parent_kpp": lambda o: (o.parent.kpp or "") if o.parent_id and o.parent else "",
    "is_active": lambda o: bool_text(o.is_active),
}
assert list(_VALUES) == [c.key for c in COLUMNS], "export columns must follow the import's columns"


def export_rows(organizations: QuerySet[Organization]) -> Iterator[list[str]]:
    """One list of cell texts per organisation (the queryset must select municipality and parent)."""
    getters = list(_VALUES.values())
    for organization in organizations.iterator(chunk_size=1000):
        yield [getter(organization) or "" for getter in getters]


def is_formula_like(value: str) -> bool:
    return bool(value) and value[0] in FORMULA_TRIGGERS


def guard_csv(value: str) -> str:
    """«=HYPERLINK(…)» → «'=HYPERLINK(…)»: a spreadsheet shows it as text instead of running it."""
    return f"'{value}" if is_formula_like(value) else value


class _Echo:
    """A file-like object whose write() returns the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def _csv_cell(value: Any) -> str:
    if isinstance(value, datetime.date):
        return ddmmyyyy(value)
    return guard_csv(str(value) if value is not None else "")


def csv_chunks(rows: Iterable[Sequence[Any]], headers: Sequence[str] = EXPORT_HEADERS) -> Iterator[str]:
    """UTF-8 with BOM and ';' between cells: what Excel with Russian settings opens as a table.

    Cells are texts; a date is written as 01.09.2022.
    """
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff" + writer.writerow([str(h) for h in headers])
    for row in rows:
        yield writer.writerow([_csv_cell(v) for v in row])


_WIDTHS = (12, 16, 11, 60, 36, 22, 12, 12, 28, 44, 30, 22, 20, 26, 28, 14, 10)


def write_xlsx(
    rows: Iterable[Sequence[Any]],
    target: IO[bytes] | str,
    *,
    headers: Sequence[str] = EXPORT_HEADERS,
    widths: Sequence[int] = _WIDTHS,
    sheet_name: str = "Организации",
) -> None:
    """Texts stay texts (ИНН keeps its leading zero, nothing becomes a formula); a date is a real date
    shown as 01.09.2022."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    sheet: Any = workbook.add_worksheet(sheet_name[:31])
    header = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    text = workbook.add_format({"num_format": "@"})
    quoted = workbook.add_format({"num_format": "@", "quote_prefix": True})
    date = workbook.add_format({"num_format": "dd.mm.yyyy"})
    for index, width in enumerate(widths):
        sheet.set_column(index, index, width, text)
    sheet.freeze_panes(1, 0)
    sheet.write_row(0, 0, [str(h) for h in headers], header)
    last = 0
    for last, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if isinstance(value, datetime.date):
                sheet.write_datetime(last, column, value, date)
            elif value:
                # Always a string: ИНН and ОГРН stay text, and nothing becomes a formula.
                value = str(value)
                sheet.write_string(last, column, value, quoted if is_formula_like(value) else text)
    sheet.autofilter(0, 0, max(last, 1), len(headers) - 1)
    workbook.close()
