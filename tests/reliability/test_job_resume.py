"""Each kind of job, stopped dead in the middle (its process gone, the job left running), is resumed by
the reaper and finishes with nothing duplicated: the registry import and the monitoring recompute here,
through their real services and tasks (the real stack killed with SIGKILL: test_worker_crash.py).

The death is a KeyboardInterrupt raised inside the task: like SIGKILL it passes `job_running` by (which
handles only Exception) and leaves the job running; the job's process is then made one that has ended."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.db.models import Count

from novator.core import jobs
from novator.core.jobs import enqueue_on_commit, job_create, jobs_reap, worker_identity
from novator.core.models import Job

pytestmark = pytest.mark.django_db


def _ended_process() -> str:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return worker_identity(child.pid)


def _die_on(monkeypatch, target, attr: str, call: int) -> None:
    """The `call`-th call of target.attr runs, then the 'process' dies."""
    original = getattr(target, attr)
    calls = {"n": 0}

    def dying(*args, **kwargs):
        result = original(*args, **kwargs)
        calls["n"] += 1
        if calls["n"] == call:
            raise KeyboardInterrupt
        return result

    monkeypatch.setattr(target, attr, dying)


def _resume(job: Job, captured) -> Job:
    job.refresh_from_db()
    assert job.state == Job.State.RUNNING  # left running by the dead run
    Job.objects.filter(pk=job.pk).update(worker=_ended_process())
    with captured(execute=True):
        [recovery] = jobs_reap()
    assert recovery.action == "requeued"
    job.refresh_from_db()
    return job


def test_a_registry_import_stopped_dead_resumes_without_duplicates(
    methodologist, monkeypatch, settings, django_capture_on_commit_callbacks
):
    from django.core.files.base import ContentFile

    from novator.organizations import tasks
    from novator.organizations.models import Organization, OrganizationImport
    from novator.organizations.tests.files import org_row, xlsx_bytes

    settings.NOVATOR_IMPORT_BATCH_SIZE = 5
    upload = OrganizationImport.objects.create(
        file=ContentFile(xlsx_bytes([org_row() for _ in range(20)]), name="registry.xlsx"),
        original_name="registry.xlsx",
        created_by=methodologist,
        state=OrganizationImport.State.QUEUED,
    )
    job = job_create(actor=methodologist, kind="organizations.import", title="Импорт")
    before = Organization.objects.count()
    with monkeypatch.context() as patch:
        _die_on(patch, tasks, "_batch_done", call=2)  # 10 rows committed, then the worker dies
        with pytest.raises(KeyboardInterrupt), django_capture_on_commit_callbacks(execute=True):
            enqueue_on_commit(tasks.import_organizations_task, upload.pk, str(job.pk))
    assert Organization.objects.count() - before == 10
    job = _resume(job, django_capture_on_commit_callbacks)
    assert job.state == Job.State.SUCCEEDED and job.done == job.total == 20 and job.attempts == 2
    assert Organization.objects.count() - before == 20
    assert not Organization.objects.values("inn").annotate(n=Count("id")).filter(n__gt=1).exists()
    upload.refresh_from_db()
    assert upload.state == OrganizationImport.State.DONE


def _values() -> list[tuple[object, ...]]:
    from novator.monitoring.models import IndicatorValue

    fields = ("level", "organization_id", "municipality_id", "indicator_id", "value")
    return sorted(IndicatorValue.objects.values_list(*fields))


def test_a_monitoring_recompute_stopped_dead_resumes_to_the_same_values(
    municipality, admin_user, monkeypatch, django_capture_on_commit_callbacks
):
    from novator.monitoring import services
    from novator.monitoring.tests.factories import catalogue, record
    from novator.organizations.tests.factories import OrganizationFactory

    year = "2023/24"
    catalogue()
    for _ in range(3):
        record(OrganizationFactory(municipality=municipality), year, 10, 5, 5)
    services.values_recompute(actor=None, academic_year=year)
    clean = _values()
    with monkeypatch.context() as patch:
        _die_on(patch, jobs.Progress, "step", call=1)
        with pytest.raises(KeyboardInterrupt), django_capture_on_commit_callbacks(execute=True):
            # the recomputation is a region-wide setting: an administrator's (issue #20)
            job = services.recompute_enqueue(actor=admin_user, academic_year=year)
    job = Job.objects.get(kind="monitoring.recompute")
    job = _resume(job, django_capture_on_commit_callbacks)
    assert job.state == Job.State.SUCCEEDED and job.done == job.total > 0
    assert _values() == clean
