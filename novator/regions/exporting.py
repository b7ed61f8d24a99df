"""XLSX of the region page (XlsxWriter, as the monitoring's tables): what the page shows."""

from __future__ import annotations

import io
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _

from .selectors import COLUMNS, Comparison


def comparison_xlsx(comparison: Comparison, sort: str) -> HttpResponse:
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
    header = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    decimal = workbook.add_format({"num_format": "0.0"})
    bold = workbook.add_format({"bold": True})

    sheet: Any = workbook.add_worksheet(_("Municipalities")[:31])
    sheet.write_row(0, 0, [_("ОКТМО"), *[str(label) for _key, label, _kind in COLUMNS]], header)
    sheet.set_column(0, 0, 12)
    sheet.set_column(1, 1, 36)
    sheet.set_column(2, len(COLUMNS), 14)
    sheet.freeze_panes(1, 2)
    rows = comparison.sorted_rows(sort)
    for r, row in enumerate([*rows, comparison.totals], start=1):
        is_total = row is comparison.totals
        sheet.write_string(r, 0, "" if is_total else row.oktmo)
        for c, (key, _label, kind) in enumerate(COLUMNS, start=1):
            value = row.value(key)
            if key == "name":
                sheet.write_string(r, c, _("Region total") if is_total else value, bold if is_total else None)
            elif value is not None:
                sheet.write_number(r, c, value, decimal if kind == "float" else None)

    years = comparison.years
    by_year: Any = workbook.add_worksheet(_("Applications by year")[:31])
    titles = [_("Municipality")]
    for year in years:
        titles += [_("Applications %(year)s") % {"year": year}, _("Winners %(year)s") % {"year": year}]
    by_year.write_row(0, 0, titles, header)
    by_year.set_column(0, 0, 36)
    by_year.set_column(1, max(1, 2 * len(years)), 14)
    by_year.freeze_panes(1, 1)
    for r, row in enumerate([*rows, comparison.totals], start=1):
        by_year.write_string(r, 0, _("Region total") if row is comparison.totals else row.name)
        for i, year in enumerate(years):
            applications, winners = row.by_year.get(year, (0, 0))
            by_year.write_number(r, 1 + 2 * i, applications)
            by_year.write_number(r, 2 + 2 * i, winners)
    workbook.close()
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    stem = f"region-{comparison.region.code}-{comparison.year.replace('/', '-')}"
    response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
    return response
