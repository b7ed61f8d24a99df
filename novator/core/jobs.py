"""Background jobs: create one for a long operation, report progress from the task, show it on a page.

A view creates the Job with `job_create` and enqueues a task (on commit) that takes the job id; the task
wraps its work in `job_running(job_id)` and calls `progress.step()` as it goes. Pages poll `job_detail`.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import Job

logger = logging.getLogger(__name__)


def job_create(*, actor: Any, kind: str, title: str, total: int = 0) -> Job:
    return Job.objects.create(
        kind=kind,
        title=title[:300],
        total=total,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


class Progress:
    """Writes progress to the job row at most every `every` steps (and at the end)."""

    def __init__(self, job: Job, every: int = 20) -> None:
        self.job = job
        self.every = max(1, every)

    def set_total(self, total: int) -> None:
        self.job.total = total
        self.job.done = min(self.job.done, total)
        Job.objects.filter(pk=self.job.pk).update(total=total, done=self.job.done)

    def step(self, n: int = 1, message: str = "") -> None:
        self.job.done = min(self.job.total, self.job.done + n)
        if message:
            self.job.message = message[:500]
        if self.job.done % self.every == 0 or self.job.done == self.job.total:
            self.flush()

    def flush(self) -> None:
        Job.objects.filter(pk=self.job.pk).update(done=self.job.done, message=self.job.message)


@contextmanager
def job_running(job_id: uuid.UUID | str) -> Iterator[Progress]:
    """Mark the job running; on exit mark it done, or failed with the reason (and re-raise)."""
    job = Job.objects.get(pk=job_id)
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, started_at=timezone.now(), error="")
    job.state = Job.State.RUNNING
    progress = Progress(job)
    try:
        yield progress
    except Exception as exc:
        logger.exception("job %s failed", job.pk)
        Job.objects.filter(pk=job.pk).update(
            state=Job.State.FAILED,
            error=str(exc)[:2000] or exc.__class__.__name__,
            finished_at=timezone.now(),
        )
        raise
    else:
        Job.objects.filter(pk=job.pk).update(
            state=Job.State.SUCCEEDED,
            done=job.total,
            message=job.message,
            result=job.result,
            result_url=job.result_url,
            finished_at=timezone.now(),
        )


def enqueue_on_commit(task: Any, *args: Any, **kwargs: Any) -> None:
    """Enqueue a django-tasks task once the current transaction commits (never a half-written job)."""
    transaction.on_commit(lambda: task.enqueue(*args, **kwargs))


def jobs_visible_to(user: Any) -> Any:
    qs = Job.objects.all()
    if getattr(user, "is_superuser", False):
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    return qs.filter(created_by=user)
