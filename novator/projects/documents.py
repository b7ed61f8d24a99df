"""Exports of reports: one report to DOCX (docxtpl, the template built by `docx/build_templates.py`) and
all reports of a year to XLSX (XlsxWriter in constant memory, through the registry's writer)."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from docxtpl import DocxTemplate

from novator.organizations.exporting import XLSX_CONTENT_TYPE, write_xlsx

from .models import ProjectReport, ReportKind

TEMPLATES = Path(__file__).resolve().parent / "docx"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
KIND_TITLES = {ReportKind.ANNUAL: "ГОДОВОЙ ОТЧЁТ", ReportKind.FINAL: "ИТОГОВЫЙ ОТЧЁТ"}


def _date(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "hour"):
        value = timezone.localtime(value)
    return value.strftime("%d.%m.%Y")


def _number(value: Any) -> str:
    if value in (None, ""):
        return "—"
    return str(value).replace(".", ",")


def _status(report: ProjectReport) -> str:
    status = report.project.status_assignment
    if status is None:
        return ""
    return (
        f"{status.kind.abbreviation} ({status.kind.name}), {_date(status.starts_on)}–{_date(status.ends_on)}"
    )


def report_context(report: ProjectReport) -> dict[str, Any]:
    """What the report template shows (the report must come with its project, organisation, status kind
    and evidence: `selectors.report_detail`)."""
    content = report.content or {}
    organization = report.project.organization
    decision = ""
    if report.state in ("accepted", "returned", "rejected"):
        decision = str(report.get_state_display())
    return {
        "kind_title": KIND_TITLES[ReportKind(report.kind)],
        "academic_year": report.academic_year,
        "organization": organization.short_name,
        "organization_full": organization.full_name or organization.short_name,
        "municipality": organization.municipality.name,
        "head": organization.head_name,
        "project": report.project.title,
        "status": _status(report),
        "due": _date(report.due_on),
        "state": str(report.get_state_display()).lower(),
        "submitted": _date(report.submitted_at),
        "summary": content.get("summary") or "—",
        "stages": [
            {"title": s.get("title", ""), "done": s.get("done") or "—"} for s in content.get("stages") or []
        ],
        "indicators": [
            {
                "name": i.get("name", ""),
                "unit": i.get("unit", ""),
                "planned": _number(i.get("planned")),
                "actual": _number(i.get("actual")),
            }
            for i in content.get("indicators") or []
        ],
        "products": content.get("products", ""),
        "events": content.get("events", ""),
        "evidence": [{"title": e.title, "name": e.original_name} for e in report.evidence.all()],
        "decision": decision,
        "decided_at": _date(report.decided_at),
        "decided_by": report.decided_by.display_name if report.decided_by else "",
        "comment": report.comment,
    }


def render_report(report: ProjectReport) -> bytes:
    template = DocxTemplate(str(TEMPLATES / "report.docx"))
    template.render(report_context(report), autoescape=True)
    buffer = io.BytesIO()
    template.save(buffer)
    return buffer.getvalue()


def report_docx_response(report: ProjectReport) -> FileResponse:
    name = f"Отчёт {report.academic_year.replace('/', '-')} {report.project.organization.short_name}.docx"
    return FileResponse(
        io.BytesIO(render_report(report)), as_attachment=True, filename=name, content_type=DOCX_MIME
    )


def year_headers() -> list[str]:
    return [
        _("Municipality"),
        _("Organisation"),
        _("ИНН"),
        _("Project"),
        _("Status"),
        _("Report"),
        _("Academic year"),
        _("Due"),
        _("State"),
        _("Overdue"),
        _("Submitted"),
        _("Decided"),
        _("Evidence files"),
        _("Indicators: planned / actual"),
        _("Summary"),
        _("Products"),
        _("Events"),
        _("Methodologist's comment"),
    ]


_WIDTHS = (22, 40, 12, 50, 10, 16, 10, 11, 14, 9, 11, 11, 9, 50, 60, 40, 40, 40)


def year_rows(reports: QuerySet[ProjectReport]) -> Iterator[list[Any]]:
    """One row per report; the queryset comes from `selectors.reports_for_export` (joins and counts)."""
    today = timezone.localdate()
    for r in reports.iterator(chunk_size=500):
        content = r.content or {}
        organization = r.project.organization
        status = r.project.status_assignment
        indicators = "; ".join(
            f"{i.get('name', '')}: {_number(i.get('planned'))} / {_number(i.get('actual'))}"
            for i in content.get("indicators") or []
        )
        yield [
            organization.municipality.name,
            organization.short_name,
            organization.inn,
            r.project.title,
            status.kind.abbreviation if status else "",
            r.get_kind_display(),
            r.academic_year,
            r.due_on,
            r.get_state_display(),
            _("yes") if r.is_overdue_on(today) else "",
            timezone.localtime(r.submitted_at).date() if r.submitted_at else None,
            timezone.localtime(r.decided_at).date() if r.decided_at else None,
            str(getattr(r, "evidence_count", "")),
            indicators,
            content.get("summary", ""),
            content.get("products", ""),
            content.get("events", ""),
            r.comment,
        ]


def year_xlsx_response(reports: QuerySet[ProjectReport], *, academic_year: str) -> FileResponse:
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by FileResponse
    try:
        write_xlsx(
            year_rows(reports), target, headers=year_headers(), widths=_WIDTHS, sheet_name=_("Reports")
        )
    except BaseException:
        target.close()
        raise
    target.seek(0)
    name = f"Отчёты {academic_year.replace('/', '-')}.xlsx"
    return FileResponse(target, as_attachment=True, filename=name, content_type=XLSX_CONTENT_TYPE)


def roadmap_template_path(step: str) -> Path:
    return TEMPLATES / "roadmap" / f"{step}.docx"
