"""A job whose worker died is noticed (its process is gone, or its heartbeat is older than the lease) and
queued again to resume from its committed work, or marked failed with the reason; Retry then works."""

from __future__ import annotations

import datetime
import os
import socket
import subprocess
import sys
import time
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from novator.core import jobs
from novator.core.jobs import (
    RETRY_KEY,
    Progress,
    can_retry,
    job_create,
    job_retry,
    job_running,
    jobs_reap,
    process_alive,
    worker_identity,
)
from novator.core.models import ActivityLog, Job

pytestmark = pytest.mark.django_db

RUNS: list[int] = []


@task()
def counting_task(job_id: str) -> None:
    """Ten steps; a resumed run walks over them again (the work is idempotent)."""
    with job_running(job_id) as progress:
        RUNS.append(progress.job.done)
        progress.every = 1
        progress.set_total(10)
        for _ in range(10):
            progress.step()
        progress.job.result = {"summary": "ok"}


@pytest.fixture(autouse=True)
def _reset():
    RUNS.clear()


def _dead_identity() -> str:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return (
        worker_identity(child.pid)
        if os.path.exists(f"/proc/{child.pid}")
        else f"{socket.gethostname()}:{child.pid}:1"
    )


def _stuck_job(
    actor, captured, *, done: int = 4, worker: str = "", heartbeat: datetime.datetime | None = None
):
    """A job queued with `counting_task` that a worker took and then died running: RUNNING at done/10."""
    job = job_create(actor=actor, kind="test", title="Импорт", total=10)
    jobs._remember(counting_task, (str(job.pk),), {})
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.RUNNING,
        done=done,
        worker=worker or _dead_identity(),
        heartbeat_at=heartbeat or timezone.now(),
        started_at=timezone.now(),
        attempts=1,
    )
    return Job.objects.get(pk=job.pk)


def test_the_process_of_a_job_is_known_alive_or_ended():
    assert process_alive(worker_identity()) is True
    assert process_alive(_dead_identity()) is False
    # the pid of this process, started at another moment: a reused pid is not the process that ran the job
    assert process_alive(f"{socket.gethostname()}:{os.getpid()}:1") is (not os.path.exists("/proc/self/stat"))
    assert process_alive(f"another-host.example:{os.getpid()}:1") is None
    assert process_alive("") is None


def test_a_job_whose_process_ended_is_resumed_and_finishes_without_going_back(
    methodologist, django_capture_on_commit_callbacks
):
    job = _stuck_job(methodologist, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        recoveries = jobs_reap()
    assert [(r.job_id, r.action) for r in recoveries] == [(str(job.pk), "requeued")]
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED and job.done == 10 and job.attempts == 2
    assert RUNS == [4]  # the resumed run started from the committed 4 of 10
    assert job.result["summary"] == "ok" and RETRY_KEY not in job.result
    [entry] = job.result["recovered"]
    assert entry["action"] == "requeued" and "4 / 10" in entry["text"] and "завершился" in entry["reason"]
    assert ActivityLog.objects.filter(action="job.resume").count() == 1


def test_progress_of_a_resumed_run_never_goes_back():
    job = Job.objects.create(kind="test", title="Импорт", total=10, done=6)
    progress = Progress(job, every=1)
    progress.set_total(10)
    seen = []
    for _ in range(10):
        progress.step()
        seen.append(Job.objects.get(pk=job.pk).done)
    assert seen == [6, 6, 6, 6, 6, 6, 7, 8, 9, 10]
    assert Job.objects.get(pk=job.pk).heartbeat_at is not None


def test_a_live_job_is_left_alone(methodologist, django_capture_on_commit_callbacks):
    job = _stuck_job(methodologist, django_capture_on_commit_callbacks, worker=worker_identity())
    old = timezone.now() - datetime.timedelta(hours=1)
    Job.objects.filter(pk=job.pk).update(heartbeat_at=old)
    # its process runs on this host: alive, however old the heartbeat
    assert jobs_reap() == []
    other = _stuck_job(methodologist, django_capture_on_commit_callbacks, worker="another-host.example:7:1")
    # on another host only the heartbeat tells: a fresh one is alive
    assert jobs_reap() == []
    assert Job.objects.get(pk=other.pk).state == Job.State.RUNNING


def test_a_job_on_another_host_without_heartbeat_for_the_lease_is_resumed(
    methodologist, django_capture_on_commit_callbacks, settings
):
    settings.NOVATOR_JOB_LEASE_SECONDS = 30
    stale = timezone.now() - datetime.timedelta(seconds=31)
    job = _stuck_job(
        methodologist, django_capture_on_commit_callbacks, worker="another-host.example:7:1", heartbeat=stale
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        [recovery] = jobs_reap()
    assert recovery.action == "requeued" and "30 с" in recovery.reason
    assert len(callbacks) == 1  # the task is queued again once the reaper's transaction commits
    job.refresh_from_db()
    assert job.state == Job.State.QUEUED and job.worker == "" and job.done == 4
    page_entry = job.result["recovered"][0]["text"]
    assert "another-host.example:7:1" in page_entry


def test_after_the_last_resumption_the_job_fails_with_the_reason_and_retry_works(
    client, methodologist, django_capture_on_commit_callbacks, settings
):
    settings.NOVATOR_JOB_MAX_RECOVERIES = 1
    job = _stuck_job(methodologist, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=False):
        jobs_reap()
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, worker=_dead_identity())  # it died again
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        [recovery] = jobs_reap()
    assert recovery.action == "failed" and callbacks == []
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and job.finished_at is not None
    assert "остановилась вместе с обработчиком" in job.error and "Запустите" in job.error
    assert can_retry(job)
    client.force_login(methodologist)
    page = client.get(reverse("core:job_detail", args=[job.pk])).content.decode()
    assert 'id="job-recoveries"' in page and 'id="job-retry"' in page
    with django_capture_on_commit_callbacks(execute=True):
        job_retry(actor=methodologist, job_id=job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED and job.done == 10 and "recovered" not in job.result
    assert RUNS == [0]


def test_a_job_without_a_recipe_is_failed_with_the_reason(methodologist):
    job = job_create(actor=methodologist, kind="test", title="Старый", total=3)
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, worker=_dead_identity())
    [recovery] = jobs_reap()
    assert recovery.action == "failed"
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and "остановилась вместе с обработчиком" in job.error
    assert not can_retry(job)


def test_a_finished_job_is_never_touched(methodologist, django_capture_on_commit_callbacks):
    job = _stuck_job(methodologist, django_capture_on_commit_callbacks)
    Job.objects.filter(pk=job.pk).update(state=Job.State.SUCCEEDED)
    assert jobs_reap() == []


# --- queued jobs, read against django-tasks-db's queue ------------------------------------------------


@pytest.fixture
def db_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _task_row(job: Job, status: str, taken: datetime.datetime | None = None):
    from django_tasks_db.models import DBTaskResult

    row = DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [str(job.pk)], "kwargs": {}},
        task_path="novator.core.tests.test_jobs_liveness.counting_task",
        backend_name="default",
        run_after=timezone.now(),
        started_at=taken,
        worker_ids=["w1"] if taken else [],
    )
    Job.objects.filter(pk=job.pk).update(task_result_id=row.pk)
    return row


def _queued(actor, captured):
    job = job_create(actor=actor, kind="test", title="Импорт", total=10)
    jobs._remember(counting_task, (str(job.pk),), {})
    return Job.objects.get(pk=job.pk)


def test_a_queued_job_waiting_for_a_worker_is_alive(
    methodologist, django_capture_on_commit_callbacks, db_tasks
):
    job = _queued(methodologist, django_capture_on_commit_callbacks)
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(days=1))
    _task_row(job, "READY")
    assert jobs_reap() == []


def test_a_task_taken_by_a_worker_that_died_before_starting_the_job_is_queued_again(
    methodologist, django_capture_on_commit_callbacks, db_tasks
):
    job = _queued(methodologist, django_capture_on_commit_callbacks)
    row = _task_row(job, "RUNNING", taken=timezone.now() - datetime.timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        [recovery] = jobs_reap()
    assert recovery.action == "requeued" and len(callbacks) == 1
    row.refresh_from_db()
    assert row.status == "FAILED" and row.exception_class_path == jobs.WORKER_LOST
    # a task taken a moment ago is left to its worker
    fresh = _queued(methodologist, django_capture_on_commit_callbacks)
    _task_row(fresh, "RUNNING", taken=timezone.now())
    assert jobs_reap() == []


def test_a_job_whose_task_never_reached_the_queue_is_queued_again(
    methodologist, django_capture_on_commit_callbacks, db_tasks
):
    job = _queued(methodologist, django_capture_on_commit_callbacks)
    assert jobs_reap() == []  # just created: its request is still queuing it
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=False):
        [recovery] = jobs_reap()
    assert recovery.action == "requeued" and "нет в очереди" in recovery.reason
    # until the reaper's own enqueue has run, another reaper does not queue it a second time
    assert jobs_reap() == []


def test_the_heartbeat_thread_beats_until_the_job_ends(monkeypatch, settings):
    settings.NOVATOR_JOB_LEASE_SECONDS = 1  # a beat every 0.25 s
    beats: list[object] = []
    monkeypatch.setattr(jobs, "beat", beats.append)
    job_id = uuid.uuid4()
    with jobs._Heartbeat(job_id) as heartbeat:
        time.sleep(2)
    assert len(beats) >= 2 and set(beats) == {job_id}
    assert not heartbeat.thread.is_alive()


def test_the_reaper_loop_runs_once_at_start(monkeypatch):
    import threading

    calls: list[int] = []
    monkeypatch.setattr(jobs, "jobs_reap", lambda: calls.append(1) or [])
    stopped = threading.Event()
    stopped.set()
    jobs.reaper_loop(stopped, every=0.01)
    assert calls == [1]
