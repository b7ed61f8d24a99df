"""Background jobs: create one for a long operation, report progress from the task, show it on a page.

A view creates the Job with `job_create` and enqueues a task (on commit) that takes the job id; the task
wraps its work in `job_running(job_id)` and calls `progress.step()` as it goes. Pages poll `job_detail`.

`enqueue_on_commit` remembers on the job (``result["retry"]``) which task ran with which arguments, so a
failed job can be retried from its page (`job_retry`); tasks are written to be safe to run again.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

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
            result={k: v for k, v in (job.result or {}).items() if k != RETRY_KEY},
            result_url=job.result_url,
            finished_at=timezone.now(),
        )


RETRY_KEY = "retry"


def enqueue_on_commit(task: Any, *args: Any, **kwargs: Any) -> None:
    """Enqueue a django-tasks task once the current transaction commits (never a half-written job).

    When one of the arguments is a job id, the job remembers the task and its arguments for a retry."""

    def run() -> None:
        _remember(task, args, kwargs)
        task.enqueue(*args, **kwargs)

    transaction.on_commit(run)


def _job_ids_in(args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[str]:
    ids = []
    for value in (*args, *kwargs.values()):
        if isinstance(value, uuid.UUID | str):
            try:
                ids.append(str(uuid.UUID(str(value))))
            except ValueError:
                continue
    return ids


def _remember(task: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Store on the job (the argument that is a job's id) the task's path and arguments, for a retry."""
    ids = _job_ids_in(args, kwargs)
    path = getattr(task, "module_path", "")
    if not ids or not path:
        return
    try:
        spec = json.loads(json.dumps({"task": path, "args": list(args), "kwargs": kwargs}))
    except (TypeError, ValueError):
        return  # arguments that do not survive JSON: no retry from the page
    job = Job.objects.filter(pk__in=ids).only("result").first()
    if job is not None:
        Job.objects.filter(pk=job.pk).update(result={**(job.result or {}), RETRY_KEY: spec})


def can_retry(job: Job) -> bool:
    return job.state == Job.State.FAILED and bool((job.result or {}).get(RETRY_KEY))


class JobRetryError(Exception):
    pass


def job_retry(*, actor: Any, job_id: uuid.UUID | str) -> Job:
    """Queue a failed job again with the task and arguments it ran with (the same job row: its page keeps
    showing the progress). Raises Job.DoesNotExist for jobs the actor may not see, JobRetryError when the
    job is not failed (e.g. a retry clicked twice) or cannot be retried."""
    from .audit import record

    with transaction.atomic():
        job = jobs_visible_to(actor).select_for_update(of=("self",)).get(pk=job_id)
        if job.state != Job.State.FAILED:
            raise JobRetryError("not failed")
        spec = (job.result or {}).get(RETRY_KEY)
        if not spec:
            raise JobRetryError("no retry")
        task = import_string(spec["task"])
        Job.objects.filter(pk=job.pk).update(
            state=Job.State.QUEUED, done=0, message="", error="", started_at=None, finished_at=None
        )
        record(actor=actor, action="job.retry", obj=job, changes={"state": [job.state, Job.State.QUEUED]})
        enqueue_on_commit(task, *spec.get("args", []), **spec.get("kwargs", {}))
    job.refresh_from_db()
    return job


def jobs_visible_to(user: Any) -> Any:
    """Administrators see every job; other users the jobs they started."""
    from novator.accounts.scope import get_scope

    qs = Job.objects.all()
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if get_scope(user).is_admin:
        return qs
    return qs.filter(created_by=user)
