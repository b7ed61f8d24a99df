"""Export of the register of statuses to CSV and XLSX, streamed (the registry's writers are reused)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from novator.core.streaming import primed
from novator.organizations.exporting import XLSX_CONTENT_TYPE, csv_chunks, write_xlsx

from .models import StatusAssignment

FORMATS = ("xlsx", "csv")
_WIDTHS = (40, 12, 26, 12, 8, 40, 11, 11, 14, 14, 11, 60, 11, 40)


def export_headers() -> list[str]:
    return [
        _("Organisation"),
        _("ИНН"),
        _("Municipality"),
        _("ОКТМО"),
        _("Status"),
        _("Status name"),
        _("From"),
        _("To"),
        _("State"),
        _("Order number"),
        _("Order date"),
        _("Innovation project"),
        _("Revoked on"),
        _("Grounds for revocation"),
    ]


def export_rows(assignments: QuerySet[StatusAssignment]) -> Iterator[list[Any]]:
    """One row per assignment (the queryset must select the kind, the organisation and its municipality)."""
    for a in assignments.iterator(chunk_size=1000):
        yield [
            a.organization.short_name,
            a.organization.inn,
            a.organization.municipality.name,
            a.organization.municipality.oktmo,
            a.kind.abbreviation,
            a.kind.name,
            a.starts_on,
            a.ends_on,
            a.state_label,
            a.order_number,
            a.order_date,
            a.project_title,
            a.revoked_on,
            a.revocation_grounds,
        ]


def export_response(
    assignments: QuerySet[StatusAssignment], *, file_format: str, filename: str
) -> HttpResponseBase:
    """A download of the register: CSV streamed row by row, XLSX written in constant memory to a
    temporary file that disappears when the response is closed."""
    rows = export_rows(assignments)
    headers = export_headers()
    if file_format == "csv":
        # the first row is read before the 200 is sent: a failing query is an error page, not a cut file
        response = StreamingHttpResponse(
            csv_chunks(primed(rows), headers), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = content_disposition_header(True, filename) or ""
        return response
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by FileResponse
    try:
        write_xlsx(rows, target, headers=headers, widths=_WIDTHS, sheet_name=_("Statuses"))
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return FileResponse(target, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
