"""XLSX of a dashboard's table (XlsxWriter): what the page shows, nothing more."""

from __future__ import annotations

import io
from typing import Any

from django.http import HttpResponse

from .selectors import Table


def table_xlsx(table: Table, filename: str) -> HttpResponse:
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    sheet: Any = workbook.add_worksheet((table.title or "Sheet")[:31].replace("/", "-"))
    header = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    sheet.write_row(0, 0, table.headers, header)
    sheet.set_column(0, 0, 40)
    sheet.set_column(1, max(1, len(table.headers) - 1), 14)
    sheet.freeze_panes(1, 1)
    for r, row in enumerate(table.rows, start=1):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, int | float):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, str(value))
    workbook.close()
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
