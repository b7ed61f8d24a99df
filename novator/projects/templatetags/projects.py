"""Template tags of the projects app, also for pages of other apps (the home page, an organisation's page):

{% load projects %}
{% report_state report %}            the state badge and, when it is late, the «overdue» badge
{% reports_attention %}              the user's overdue and soon-due reports (home page block)
{% organization_projects organization %}  an organisation's projects with their overdue reports
"""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Count, Q
from django.utils import timezone

from novator.core.dates import ddmmyyyy
from novator.projects import selectors
from novator.projects.models import InnovationProject, ReportState
from novator.projects.passport import date_or_none

register = template.Library()


@register.filter
def isodate(value: Any) -> str:
    """A date kept as ISO text in a passport, as the user reads it: 2023-09-01 → 01.09.2023."""
    day = date_or_none(value)
    return ddmmyyyy(day) or str(value or "")


@register.inclusion_tag("projects/_report_state.html")
def report_state(report: Any) -> dict[str, Any]:
    return {"report": report, "overdue": report.is_overdue_on(timezone.localdate())}


@register.inclusion_tag("projects/_reports_attention.html", takes_context=True)
def reports_attention(context: Any, days: int = 14) -> dict[str, Any]:
    """Overdue and soon-due reports of the organisations the user works with (one query; nothing for
    anonymous users)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    reports = []
    if user is not None and user.is_authenticated:
        reports = list(selectors.reports_needing_attention(user=user, days=days)[:20])
    today = timezone.localdate()
    return {"rows": [(r, r.is_overdue_on(today)) for r in reports]}


@register.inclusion_tag("projects/_organization_projects.html")
def organization_projects(organization: Any) -> dict[str, Any]:
    """An organisation's approved projects with the number of overdue reports (one query)."""
    today = timezone.localdate()
    overdue = Q(reports__state=ReportState.DRAFT, reports__due_on__lt=today) | Q(
        reports__state=ReportState.RETURNED, reports__fixes_due_on__lt=today
    )
    projects = (
        InnovationProject.objects.filter(organization=organization)
        .annotate(overdue_count=Count("reports", filter=overdue, distinct=True))
        .order_by("-starts_on", "id")
    )
    return {"projects": list(projects)}
