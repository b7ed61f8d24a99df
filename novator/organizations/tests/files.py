"""Builders of registry files for the import tests: CSV in several encodings, XLSX with formulas, sparse
and oversized sheets, zip bombs and files that only pretend to be tables."""

from __future__ import annotations

import csv
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable, Mapping, Sequence
from itertools import count
from typing import Any

from novator.organizations.identifiers import make_inn, make_ogrn

HEADERS = [
    "ИНН",
    "ОГРН",
    "Полное наименование",
    "Краткое наименование",
    "Вид",
    "Подтип",
    "ОКТМО",
    "Адрес",
    "Руководитель",
    "Телефон",
    "Эл. почта",
]
_serial = count(1)


def org_row(**values: Any) -> dict[str, Any]:
    """A valid row of a school in Выселковский район (ОКТМО 03612000), with fresh ИНН and ОГРН."""
    n = next(_serial)
    row: dict[str, Any] = {
        "ИНН": make_inn("2328", 20_000 + n),
        "ОГРН": make_ogrn(3, "23", 5_000_000 + n),
        "Полное наименование": f"Муниципальное бюджетное общеобразовательное учреждение СОШ № {n}",
        "Краткое наименование": f"МБОУ СОШ № {n}",
        "Вид": "Общеобразовательная",
        "Подтип": "СОШ",
        "ОКТМО": "03612000",
        "Адрес": f"ст. Выселки, ул. Ленина, {n}",
        "Руководитель": "Иванова Мария Петровна",
        "Телефон": "+7 (86157) 7-34-56",
        "Эл. почта": f"school{n}@example.org",
    }
    row.update(values)
    return row


def _table(rows: Iterable[Mapping[str, Any]], headers: Sequence[str] | None) -> list[list[Any]]:
    rows = list(rows)
    if headers is None:
        headers = list(dict.fromkeys(h for row in rows for h in row)) if rows else list(HEADERS)
    return [list(headers), *[[row.get(h, "") for h in headers] for row in rows]]


def csv_bytes(
    rows: Iterable[Mapping[str, Any]],
    *,
    headers: Sequence[str] | None = None,
    delimiter: str = ";",
    encoding: str = "utf-8-sig",
) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter)
    for line in _table(rows, headers):
        writer.writerow(["" if v is None else v for v in line])
    return out.getvalue().encode(encoding)


def xlsx_bytes(
    rows: Iterable[Mapping[str, Any]], *, headers: Sequence[str] | None = None, title_rows: int = 0
) -> bytes:
    """An XLSX written by openpyxl; values keep their Python types (ints, floats, formulas «=…»)."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for i in range(title_rows):
        sheet.append([f"Реестр образовательных организаций ({i + 1})"])
    for line in _table(rows, headers):
        sheet.append(line)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsx_with_cached_formula(row: Mapping[str, Any], column: str, formula: str, cached: str) -> bytes:
    """An XLSX written by XlsxWriter where `column` holds `formula` with the cached result `cached`
    (what Excel stores after calculating)."""
    import xlsxwriter

    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = workbook.add_worksheet()
    header, values = _table([row], None)
    sheet.write_row(0, 0, header)
    for index, (name, value) in enumerate(zip(header, values, strict=True)):
        if name == column:
            sheet.write_formula(1, index, formula, None, cached)
        else:
            sheet.write_string(1, index, str(value))
    workbook.close()
    return out.getvalue()


def xlsx_with_far_row(row: Mapping[str, Any], far_row: int = 1_000_000) -> bytes:
    """One good row, then nothing until a row at `far_row` (the sheet's dimension says A1:…1000000)."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for line in _table([row], None):
        sheet.append(line)
    sheet.cell(row=far_row, column=1, value=make_inn("2328", 99_999))
    sheet.cell(row=far_row, column=4, value="Строка далеко внизу")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def with_dimension(xlsx: bytes, ref: str = "A1:XFD1048576") -> bytes:
    """The same workbook with a lying <dimension> (as some programs write it)."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>'.encode(), data)
            target.writestr(info, data)
    return out.getvalue()


def zip_bomb_xlsx(unpacked_mb: int = 120) -> bytes:
    """A tiny zip with xl/workbook.xml and a member that inflates to `unpacked_mb` megabytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        chunk = b" " * (1024 * 1024)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(unpacked_mb):
                member.write(chunk)
    return out.getvalue()


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document>ИНН;ОГРН</document>")
    return out.getvalue()


def png_bytes() -> bytes:
    """A real 1×1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def pdf_bytes() -> bytes:
    """A minimal text-only PDF: no NUL bytes, so only its signature gives it away."""
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
