"""Background recomputation of the monitoring (django-tasks; `db_worker` runs it)."""

from __future__ import annotations

from django.urls import reverse
from django_tasks import task

from novator.core.jobs import job_running

from .services import values_recompute


@task()
def recompute_task(academic_year: str, job_id: str) -> int:
    """Recompute one academic year. Safe to run again: the year's rows are replaced, never duplicated."""
    with job_running(job_id) as progress:
        year = values_recompute(actor=None, academic_year=academic_year, progress=progress)
        progress.job.result = {"academic_year": year.academic_year}
        progress.job.result_url = reverse("monitoring:home") + f"?year={year.academic_year}"
    return year.pk
