"""Reports: the schedule from the status term, filling in, evidence, the review and what follows it."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from novator.core import audit
from novator.core.concurrency import check_version
from novator.core.files import DOCUMENT_TYPES, check_upload, safe_filename
from novator.core.services import require, user_or_none
from novator.core.text import clean_text
from novator.core.workflow import perform

from ..checks import report_completeness_errors  # noqa: F401 - the package exports it
from ..models import (
    InnovationProject,
    ProjectReport,
    ReportEvidence,
    ReportState,
)
from ..schedule import report_schedule
from ..workflow import REPORT_TRANSITIONS

EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_MAX_FILES = 20


def _term(project: InnovationProject) -> tuple[datetime.date, datetime.date, datetime.date | None]:
    status = project.status_assignment
    if status is not None:
        return status.starts_on, status.ends_on, status.revoked_on
    return project.starts_on, project.ends_on, None


def _is_blank(report: ProjectReport) -> bool:
    content = report.content or {}
    return not any(v for v in content.values()) and not report.evidence.exists()


@transaction.atomic
def report_schedule_sync(*, actor: Any, project: InnovationProject) -> Counter[str]:
    """Make the project's reports follow the term: add the missing ones, move the due date and kind of
    those not yet submitted, drop blank ones that fall outside the term (after revocation or a change of
    the term). Idempotent: a second run changes nothing. `actor=None` is the system."""
    project = (
        InnovationProject.objects.select_for_update(of=("self",))
        .select_related("status_assignment", "organization")
        .get(pk=project.pk)
    )
    counts: Counter[str] = Counter()
    if project.closed_on and project.status_assignment is None:
        return counts
    starts_on, ends_on, revoked_on = _term(project)
    plan = {p.academic_year: p for p in report_schedule(starts_on, ends_on, revoked_on=revoked_on)}
    existing = {r.academic_year: r for r in project.reports.all()}
    for year, planned in plan.items():
        report = existing.get(year)
        if report is None:
            ProjectReport.objects.create(
                project=project,
                academic_year=year,
                kind=planned.kind,
                due_on=planned.due_on,
                is_demo=project.is_demo,
            )
            counts["created"] += 1
        elif report.state == ReportState.DRAFT and (report.kind, report.due_on) != (
            planned.kind,
            planned.due_on,
        ):
            report.kind, report.due_on = planned.kind, planned.due_on
            report.save(update_fields=["kind", "due_on", "updated_at"])
            counts["moved"] += 1
    for year, report in existing.items():
        if year not in plan and report.state == ReportState.DRAFT and _is_blank(report):
            report.delete()
            counts["dropped"] += 1
    if counts:
        audit.record(actor=actor, action="report.schedule", obj=project, changes=dict(counts))
    return counts


def _clean_content(content: Mapping[str, Any]) -> dict[str, Any]:
    stages = [
        {"title": clean_text(s.get("title"), 500), "done": clean_text(s.get("done"))}
        for s in content.get("stages", [])
        if isinstance(s, Mapping)
    ]
    indicators = []
    for row in content.get("indicators", []):
        if isinstance(row, Mapping):
            indicators.append(
                {
                    "name": clean_text(row.get("name"), 500),
                    "unit": clean_text(row.get("unit"), 50),
                    "planned": row.get("planned"),
                    "actual": row.get("actual"),
                }
            )
    return {
        "summary": clean_text(content.get("summary")),
        "stages": stages,
        "indicators": indicators,
        "products": clean_text(content.get("products")),
        "events": clean_text(content.get("events")),
    }


@transaction.atomic
def report_update(
    *, actor: Any, report: ProjectReport, content: Mapping[str, Any], version: str | None = None
) -> ProjectReport:
    """Save the draft of a report. `version`: the token its page was loaded with; stale → refused."""
    report = (
        ProjectReport.objects.select_for_update(of=("self",))
        .select_related("project__organization")
        .get(pk=report.pk)
    )
    require(actor, "projects.fill_report", report)
    if not report.is_editable:
        raise ValidationError(_("A submitted report cannot be changed."))
    check_version(report, version)
    new = _clean_content(content)
    if new == report.content:
        return report
    changed = sorted(k for k in new if (report.content or {}).get(k) != new[k])
    report.content = new
    report.save(update_fields=["content", "updated_at"])
    audit.record(actor=actor, action="report.update", obj=report, changes={"parts": [None, changed]})
    return report


@transaction.atomic
def evidence_add(*, actor: Any, report: ProjectReport, title: str, upload: Any) -> ReportEvidence:
    report = (
        ProjectReport.objects.select_for_update(of=("self",))
        .select_related("project__organization")
        .get(pk=report.pk)
    )
    require(actor, "projects.fill_report", report)
    if not report.is_editable:
        raise ValidationError(_("A submitted report cannot be changed."))
    title = clean_text(title, 255)
    if not title:
        raise ValidationError({"title": _("Say what the file is.")})
    if report.evidence.count() >= EVIDENCE_MAX_FILES:
        raise ValidationError(
            _("At most %(n)d files can be attached to a report.") % {"n": EVIDENCE_MAX_FILES}
        )
    kind = check_upload(upload, allowed=DOCUMENT_TYPES, max_bytes=EVIDENCE_MAX_BYTES)
    evidence = ReportEvidence(
        report=report,
        title=title,
        original_name=str(getattr(upload, "name", ""))[:255],
        file_type=kind,
        size=upload.size,
        uploaded_by=user_or_none(actor),
    )
    evidence.file.save(safe_filename(evidence.original_name, kind), upload, save=False)
    evidence.save()
    audit.record(
        actor=actor,
        action="report.evidence_add",
        obj=report,
        changes={"file": [None, evidence.original_name]},
    )
    return evidence


@transaction.atomic
def evidence_delete(*, actor: Any, evidence: ReportEvidence) -> None:
    report = evidence.report
    require(actor, "projects.fill_report", report)
    if not report.is_editable:
        raise ValidationError(_("A submitted report cannot be changed."))
    name = evidence.original_name
    stored = evidence.file.name
    storage = evidence.file.storage
    evidence.delete()
    transaction.on_commit(lambda: storage.delete(stored))
    audit.record(actor=actor, action="report.evidence_delete", obj=report, changes={"file": [name, None]})


def report_transition(
    *,
    actor: Any,
    report: ProjectReport,
    name: str,
    reason: str = "",
    fixes_due_on: datetime.date | None = None,
    outcome: str = "",
    proposed_ends_on: datetime.date | None = None,
    today: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> ProjectReport:
    """Move a report along its workflow (`workflow.REPORT_TRANSITIONS`, with its checks and effects).

    Rejecting proposes revoking the status; accepting a final report proposes closing the project or
    extending the status (`outcome`). `today` and `now` default to the present (the demo passes past
    dates)."""
    return perform(
        actor,
        report,
        name,
        transitions=REPORT_TRANSITIONS,
        reason=reason,
        now=now,
        today=today,
        fixes_due_on=fixes_due_on,
        outcome=outcome,
        proposed_ends_on=proposed_ends_on,
    )
