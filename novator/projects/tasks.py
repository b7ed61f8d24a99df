"""Background tasks of the projects app (django-tasks; the database backend's `db_worker` runs them)."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from novator.core.jobs import job_running

from .models import ProjectReport
from .services.reminders import DAYS_BEFORE, MISSING_AFTER_DAYS, reminders_send


def reminders_summary(counts: dict[str, int]) -> str:
    return _(
        "Reminders: %(before)d due soon, %(overdue)d overdue, %(fixes)d fixes overdue; "
        "%(proposals)d revocation proposals."
    ) % {
        "before": counts.get("before", 0),
        "overdue": counts.get("overdue", 0),
        "fixes": counts.get("fixes_overdue", 0),
        "proposals": counts.get("proposals", 0),
    }


@task()
def send_report_reminders_task(
    job_id: str,
    today: str = "",
    days_before: int = DAYS_BEFORE,
    missing_after_days: int = MISSING_AFTER_DAYS,
    base_url: str = "",
) -> dict[str, Any]:
    """Send the reminders due on `today` (ISO date; empty: today). Safe to retry: a reminder already sent
    is never sent again, and the schedules are only completed."""
    day = datetime.date.fromisoformat(today) if today else None
    with translation.override(settings.LANGUAGE_CODE), job_running(job_id) as progress:
        progress.set_total(ProjectReport.objects.filter(state__in=["draft", "returned"]).count())
        counts = reminders_send(
            today=day,
            days_before=days_before,
            missing_after_days=missing_after_days,
            base_url=base_url,
            on_step=progress.step,
        )
        progress.job.result = {"summary": reminders_summary(counts), **counts}
    return dict(counts)
