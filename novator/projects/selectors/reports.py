"""Reads of reports and proposals: scoped lists, one report, the years, what needs attention."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from ..models import ProjectProposal, ProjectReport, ReportEvidence, ReportReminder

_REPORT_JOINS = (
    "project",
    "project__organization",
    "project__organization__municipality",
    "project__status_assignment",
    "project__status_assignment__kind",
)


def report_list(
    *,
    user: Any,
    academic_year: str = "",
    state: str = "",
    overdue: bool = False,
    municipality_oktmo: str = "",
    organization_id: int | None = None,
    on: datetime.date | None = None,
) -> QuerySet[ProjectReport]:
    qs = ProjectReport.objects.visible_to(user).select_related(*_REPORT_JOINS)
    if academic_year:
        qs = qs.filter(academic_year=academic_year)
    if state:
        qs = qs.filter(state=state)
    if overdue:
        qs = qs.overdue(on)
    if municipality_oktmo:
        qs = qs.filter(project__organization__municipality__oktmo=municipality_oktmo)
    if organization_id is not None:
        qs = qs.filter(project__organization_id=organization_id)
    return qs.annotate(evidence_count=Count("evidence")).order_by(
        "due_on", "project__organization__short_name", "id"
    )


def report_years(*, user: Any) -> list[str]:
    years = (
        ProjectReport.objects.visible_to(user)
        .order_by("-academic_year")
        .values_list("academic_year", flat=True)
    )
    return list(dict.fromkeys(years))


def report_detail(*, pk: int) -> ProjectReport:
    """Raises ProjectReport.DoesNotExist."""
    return (
        ProjectReport.objects.select_related(*_REPORT_JOINS, "project__approved_version", "decided_by")
        .prefetch_related(
            Prefetch("evidence", queryset=ReportEvidence.objects.order_by("uploaded_at", "id")),
            Prefetch("reminders", queryset=ReportReminder.objects.order_by("sent_on", "id")),
            Prefetch("proposals", queryset=ProjectProposal.objects.order_by("-created_at")),
        )
        .get(pk=pk)
    )


def reports_for_export(*, user: Any, academic_year: str) -> QuerySet[ProjectReport]:
    return report_list(user=user, academic_year=academic_year).order_by(
        "project__organization__municipality__name", "project__organization__short_name", "id"
    )


def reports_needing_attention(
    *, user: Any, days: int = 14, on: datetime.date | None = None
) -> QuerySet[ProjectReport]:
    """Overdue reports and those due within `days`, of the organisations the user works with."""
    today = on or timezone.localdate()
    qs = ProjectReport.objects.visible_to(user).filter(project__closed_on__isnull=True)
    soon = qs.due_between(today, today + datetime.timedelta(days=days))
    return (soon | qs.overdue(today)).select_related(*_REPORT_JOINS).order_by("due_on", "id")


def proposal_list(*, user: Any, state: str = "") -> QuerySet[ProjectProposal]:
    qs = ProjectProposal.objects.visible_to(user).select_related(
        "project",
        "project__organization",
        "project__organization__municipality",
        "project__status_assignment",
        "project__status_assignment__kind",
        "report",
        "decided_by",
    )
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-created_at", "-id")


def proposal_detail(*, pk: int) -> ProjectProposal:
    """Raises ProjectProposal.DoesNotExist."""
    return ProjectProposal.objects.select_related(
        "project",
        "project__organization",
        "project__organization__municipality",
        "project__status_assignment",
        "project__status_assignment__kind",
        "report",
        "decided_by",
    ).get(pk=pk)
