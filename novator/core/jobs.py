"""Background jobs: create one for a long operation, report progress from the task, show it on a page.

A view creates the Job with `job_create` and enqueues a task (on commit) that takes the job id; the task
wraps its work in `job_running(job_id)` and calls `progress.step()` as it goes. Pages poll `job_detail`.

`enqueue_on_commit` remembers on the job (``result["retry"]``) which task ran with which arguments, so a
failed job can be retried from its page (`job_retry`); tasks are written to be safe to run again.

A worker can die with its job (SIGKILL, power cut, OOM killer): `job_running` records which process runs
the job and a heartbeat that a thread renews every quarter of the lease (settings.NOVATOR_JOB_LEASE_SECONDS),
and every task worker (`manage.py worker`) runs `jobs_reap` on start and every half lease. A job whose
process is gone (same host: checked in /proc) or whose heartbeat is older than the lease (any host) is
queued again with the same task and arguments and resumes from its committed work (the progress bar does
not go back); after settings.NOVATOR_JOB_MAX_RECOVERIES such restarts it is marked failed with the reason,
and Retry works. Each decision is kept in ``result["recovered"]`` and shown on the job's page.
"""

from __future__ import annotations

import datetime
import json
import logging
import os
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.db.models import F
from django.utils import formats, timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Job
from .services import user_or_none

logger = logging.getLogger(__name__)


def job_create(*, actor: Any, kind: str, title: str, total: int = 0) -> Job:
    return Job.objects.create(
        kind=kind,
        title=title[:300],
        total=total,
        created_by=user_or_none(actor),
    )


class Progress:
    """Writes progress to the job row at most every `every` steps (and at the end), with a heartbeat.

    A job resumed after its worker died starts counting from zero again, but the job shows
    max(what the earlier run had committed, this run's count): the bar does not go back while the resumed
    run walks over the work already done (which it finds done: the tasks are idempotent)."""

    def __init__(self, job: Job, every: int = 20) -> None:
        self.job = job
        self.every = max(1, every)
        self.count = 0
        self.floor = job.done

    def set_total(self, total: int) -> None:
        self.job.total = total
        self.floor = min(self.floor, total)
        self.count = min(self.count, total)
        self.job.done = max(self.floor, self.count)
        Job.objects.filter(pk=self.job.pk).update(total=total, done=self.job.done)

    def step(self, n: int = 1, message: str = "") -> None:
        self.count = min(self.job.total, self.count + n)
        self.job.done = max(self.floor, self.count)
        if message:
            self.job.message = message[:500]
        if self.count % self.every == 0 or self.count == self.job.total:
            self.flush()

    def flush(self) -> None:
        Job.objects.filter(pk=self.job.pk).update(
            done=self.job.done, message=self.job.message, heartbeat_at=timezone.now()
        )


# --- liveness: which process runs a job, and its heartbeat -----------------------------------------------


def lease_seconds() -> float:
    """A running job whose heartbeat is older than this is taken for dead (unless its process is known
    to be alive on this host)."""
    return max(1.0, float(getattr(settings, "NOVATOR_JOB_LEASE_SECONDS", 120)))


def max_recoveries() -> int:
    return max(0, int(getattr(settings, "NOVATOR_JOB_MAX_RECOVERIES", 3)))


def _proc_stat(pid: int) -> list[str] | None:
    """Fields 3… of /proc/<pid>/stat (state, ppid, …, starttime at index 19), or None."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[-1].split()


def worker_identity(pid: int | None = None) -> str:
    """host:pid:start time of the process (the start time tells a reused pid from the one that ran)."""
    pid = os.getpid() if pid is None else pid
    fields = _proc_stat(pid)
    started = fields[19] if fields and len(fields) > 19 else ""
    return f"{socket.gethostname()}:{pid}:{started}"[:200]


def process_alive(identity: str) -> bool | None:
    """True when the process named by `worker_identity` runs, False when it has ended, None when this host
    cannot tell (another host, or no identity)."""
    try:
        host, pid_text, started = identity.rsplit(":", 2)
        pid = int(pid_text)
    except ValueError:
        return None
    if host != socket.gethostname():
        return None
    if Path("/proc/self/stat").exists():
        fields = _proc_stat(pid)
        if fields is None or fields[0] in ("Z", "X"):
            return False  # no such process, or a zombie: it has ended
        return not started or (len(fields) > 19 and fields[19] == started)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class _Heartbeat:
    """A thread that renews the job's heartbeat every quarter of the lease while the task runs (a single
    step of a task, e.g. the optimal assignment, may take longer than the lease)."""

    def __init__(self, job_id: Any) -> None:
        self.job_id = job_id
        self.every = lease_seconds() / 4
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"job-heartbeat-{job_id}", daemon=True)

    def _run(self) -> None:
        try:
            while not self.stopped.wait(self.every):
                beat(self.job_id)
        finally:
            connections.close_all()  # this thread's own connections

    def __enter__(self) -> _Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        self.thread.join(timeout=5)


def beat(job_id: Any) -> None:
    """Renew a running job's heartbeat; a database busy with the task's own write is tried next time."""
    try:
        Job.objects.filter(pk=job_id, state=Job.State.RUNNING).update(heartbeat_at=timezone.now())
    except DatabaseError as exc:
        logger.warning("job %s: heartbeat not written (%s)", job_id, exc)


@contextmanager
def job_running(job_id: uuid.UUID | str) -> Iterator[Progress]:
    """Mark the job running (by this process, with a heartbeat); on exit mark it done, or failed with the
    reason (and re-raise)."""
    job = Job.objects.get(pk=job_id)
    now = timezone.now()
    identity = worker_identity()
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.RUNNING,
        started_at=now,
        error="",
        heartbeat_at=now,
        worker=identity,
        attempts=F("attempts") + 1,
    )
    job.state = Job.State.RUNNING
    job.worker = identity
    recovered = (job.result or {}).get("recovered")
    progress = Progress(job)
    try:
        with _Heartbeat(job.pk):
            yield progress
    except Exception as exc:
        logger.exception("job %s failed", job.pk)
        Job.objects.filter(pk=job.pk).update(
            state=Job.State.FAILED,
            error=str(exc)[:2000] or exc.__class__.__name__,
            finished_at=timezone.now(),
            worker="",
        )
        raise
    else:
        Job.objects.filter(pk=job.pk).update(
            state=Job.State.SUCCEEDED,
            done=job.total,
            message=job.message,
            result={
                **({"recovered": recovered} if recovered else {}),
                **{k: v for k, v in (job.result or {}).items() if k != RETRY_KEY},
            },
            worker="",
            result_url=job.result_url,
            finished_at=timezone.now(),
        )


RETRY_KEY = "retry"


def enqueue_on_commit(task: Any, *args: Any, **kwargs: Any) -> None:
    """Enqueue a django-tasks task once the current transaction commits (never a half-written job).

    When one of the arguments is a job id, the job remembers the task and its arguments for a retry."""

    def run() -> None:
        _remember(task, args, kwargs)
        result = task.enqueue(*args, **kwargs)
        ids = _job_ids_in(args, kwargs)
        if ids and _db_backend_in_use():
            # the reaper reads the task's state (waiting, taken by a worker, ended) through this id
            Job.objects.filter(pk__in=ids).update(task_result_id=result.id)

    transaction.on_commit(run)


def _db_backend_in_use() -> bool:
    backend = str(getattr(settings, "TASKS", {}).get("default", {}).get("BACKEND", ""))
    return backend.startswith("django_tasks_db")


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
            state=Job.State.QUEUED,
            done=0,
            message="",
            error="",
            started_at=None,
            finished_at=None,
            worker="",
            heartbeat_at=timezone.now(),  # queued now (see abandoned_reason)
            task_result_id=None,
            # the automatic resumptions are counted again from this retry (the audit log keeps them)
            result={k: v for k, v in (job.result or {}).items() if k != "recovered"},
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


# --- the reaper: jobs whose worker died -------------------------------------------------------------------


@dataclass(frozen=True)
class Recovery:
    job_id: str
    action: str  # "requeued" or "failed"
    reason: str


def _when(moment: datetime.datetime | None) -> str:
    if moment is None:
        return "—"
    return formats.date_format(timezone.localtime(moment), "d.m.Y H:i:s")


def _task_result(job: Job) -> Any:
    if job.task_result_id is None or not _db_backend_in_use():
        return None
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(pk=job.task_result_id).first()


def abandoned_reason(job: Job, *, now: datetime.datetime | None = None) -> str:
    """Why a queued or running job will never finish by itself, or "" while it is alive or waiting."""
    now = now or timezone.now()
    lease = datetime.timedelta(seconds=lease_seconds())
    if job.state == Job.State.RUNNING:
        alive = process_alive(job.worker) if job.worker else None
        if alive:
            return ""
        if alive is False:
            return _("the process that ran it (%(worker)s) has ended; last heartbeat %(time)s") % {
                "worker": job.worker,
                "time": _when(job.heartbeat_at),
            }
        last = job.heartbeat_at or job.started_at or job.created_at
        if last >= now - lease:
            return ""
        return _(
            "no heartbeat from the process that ran it (%(worker)s) since %(time)s, longer than %(lease)d s"
        ) % {
            "worker": job.worker or "—",
            "time": _when(last),
            "lease": int(lease.total_seconds()),
        }
    if job.state != Job.State.QUEUED or not _db_backend_in_use():
        return ""
    from django_tasks_db.compat import TaskResultStatus

    task = _task_result(job)
    if task is None:
        # being queued: the request's (or the reaper's, or a retry's) transaction commits first; a job
        # queued again is stamped then, in heartbeat_at
        if (job.heartbeat_at or job.created_at) >= now - lease:
            return ""
        return _("its task is not in the queue (the server stopped before queuing it)")
    if task.status == TaskResultStatus.READY:
        return ""  # waiting for a worker
    if task.status == TaskResultStatus.RUNNING:
        taken = task.started_at or task.enqueued_at
        if taken >= now - lease:
            return ""
        return _("a worker took its task at %(time)s and stopped before starting it") % {"time": _when(taken)}
    return _("its task ended at %(time)s without running it") % {"time": _when(task.finished_at)}


def jobs_reap(*, now: datetime.datetime | None = None) -> list[Recovery]:
    """Find the queued and running jobs that will never finish by themselves (see `abandoned_reason`) and
    queue each again to resume from its committed work, or, after `max_recoveries()` restarts or without a
    task to run, mark it failed with the reason. Safe to run in several workers at once."""
    now = now or timezone.now()
    recoveries = []
    with translation.override(settings.LANGUAGE_CODE):
        for job in Job.objects.filter(state__in=(Job.State.QUEUED, Job.State.RUNNING)).order_by("created_at"):
            reason = abandoned_reason(job, now=now)
            if reason:
                recovery = _recover(job, reason, now=now)
                if recovery is not None:
                    logger.warning("job %s %s: %s", recovery.job_id, recovery.action, recovery.reason)
                    recoveries.append(recovery)
    return recoveries


WORKER_LOST = "novator.core.jobs.WorkerLost"


def _recover(seen: Job, reason: str, *, now: datetime.datetime) -> Recovery | None:
    from .audit import record

    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=seen.pk).first()
        if job is None or (job.state, job.heartbeat_at, job.worker, job.task_result_id) != (
            seen.state,
            seen.heartbeat_at,
            seen.worker,
            seen.task_result_id,
        ):
            return None  # another worker's reaper, or the job itself, got there first
        result = dict(job.result or {})
        recovered = list(result.get("recovered", []))
        spec: dict[str, Any] | None = result.get(RETRY_KEY) or None
        if job.task_result_id is not None and _db_backend_in_use():
            from django_tasks_db.compat import TaskResultStatus
            from django_tasks_db.models import DBTaskResult

            DBTaskResult.objects.filter(pk=job.task_result_id, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=WORKER_LOST,
                traceback=reason,
            )
        resume = spec is not None and len(recovered) < max_recoveries()
        if resume:
            text = _(
                "%(time)s: the job stopped (%(reason)s); queued again to resume from %(done)s / %(total)s."
            )
        else:
            text = _("%(time)s: the job stopped (%(reason)s); not resumed.")
        text %= {"time": _when(now), "reason": reason, "done": job.done, "total": job.total}
        recovered.append(
            {
                "at": now.isoformat(),
                "reason": reason,
                "action": "requeued" if resume else "failed",
                "text": text,
            }
        )
        result["recovered"] = recovered
        changes: dict[str, Any] = {"state": [job.state, Job.State.QUEUED if resume else Job.State.FAILED]}
        if resume and spec is not None:
            Job.objects.filter(pk=job.pk).update(
                state=Job.State.QUEUED,
                started_at=None,  # waiting again (a recompute of the same year may reuse it)
                worker="",
                heartbeat_at=now,  # queued now: not "missing from the queue" before its task is there
                task_result_id=None,
                result=result,
            )
            record(actor=None, action="job.resume", obj=job, changes={**changes, "reason": reason})
            enqueue_on_commit(import_string(spec["task"]), *spec.get("args", []), **spec.get("kwargs", {}))
        else:
            if spec:
                resumed = len(recovered) - 1
                error = ngettext(
                    "The job stopped with its worker (%(reason)s) after %(n)d resumption. "
                    "Run it again when the cause is fixed.",
                    "The job stopped with its worker (%(reason)s) after %(n)d resumptions. "
                    "Run it again when the cause is fixed.",
                    resumed,
                ) % {"reason": reason, "n": resumed}
            else:
                error = _("The job stopped with its worker (%(reason)s).") % {"reason": reason}
            Job.objects.filter(pk=job.pk).update(
                state=Job.State.FAILED, worker="", error=error, finished_at=now, result=result
            )
            record(actor=None, action="job.fail", obj=job, changes={**changes, "reason": reason})
    return Recovery(job_id=str(seen.pk), action="requeued" if resume else "failed", reason=reason)


def reaper_loop(stopped: threading.Event, every: float | None = None) -> None:
    """Run `jobs_reap` now and then every half lease until `stopped` is set (a thread of the worker)."""
    from django.db import close_old_connections

    interval = every if every is not None else lease_seconds() / 2
    while True:
        try:
            close_old_connections()
            jobs_reap()
        except Exception:
            logger.exception("the job reaper failed; trying again in %.0f s", interval)
        if stopped.wait(interval):
            connections.close_all()
            return
