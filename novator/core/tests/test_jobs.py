"""Failed jobs can be run again from their page, with the task and arguments they ran with."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django_tasks import task

from novator.core.jobs import RETRY_KEY, can_retry, enqueue_on_commit, job_create, job_running
from novator.core.models import ActivityLog, Job

pytestmark = pytest.mark.django_db

CALLS: list[tuple[str, str]] = []
FAIL = {"on": True}


@task()
def flaky_task(word: str, job_id: str) -> None:
    CALLS.append((word, job_id))
    with job_running(job_id) as progress:
        progress.set_total(2)
        if FAIL["on"]:
            raise RuntimeError("Сервер справочников не ответил")
        progress.step(2)
        progress.job.result = {"summary": "ok"}
        progress.job.result_url = "/registry/"


@pytest.fixture(autouse=True)
def _reset():
    CALLS.clear()
    FAIL["on"] = True


def _failed_job(actor, django_capture_on_commit_callbacks):
    job = job_create(actor=actor, kind="test", title="Импорт", total=2)
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit(flaky_task, "слово", str(job.pk))
    job.refresh_from_db()
    return job


def test_enqueue_remembers_how_to_retry(methodologist, django_capture_on_commit_callbacks):
    job = _failed_job(methodologist, django_capture_on_commit_callbacks)
    assert job.state == Job.State.FAILED and "справочников" in job.error
    assert job.result[RETRY_KEY]["args"] == ["слово", str(job.pk)]
    assert can_retry(job)


def test_failed_job_page_offers_retry_and_the_retry_runs_the_task_again(
    client, methodologist, django_capture_on_commit_callbacks
):
    job = _failed_job(methodologist, django_capture_on_commit_callbacks)
    client.force_login(methodologist)
    page = client.get(reverse("core:job_detail", args=[job.pk])).content.decode()
    assert 'id="job-retry"' in page and "справочников" in page
    FAIL["on"] = False
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("core:job_retry", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED and job.error == ""
    assert job.result == {"summary": "ok"}  # the retry recipe is dropped on success
    assert len(CALLS) == 2
    assert ActivityLog.objects.filter(action="job.retry").count() == 1
    page = client.get(reverse("core:job_detail", args=[job.pk])).content.decode()
    assert 'id="job-result"' in page and 'id="job-retry"' not in page


def test_retry_of_a_job_that_is_not_failed_changes_nothing(
    client, methodologist, django_capture_on_commit_callbacks
):
    FAIL["on"] = False
    job = _failed_job(methodologist, django_capture_on_commit_callbacks)
    assert job.state == Job.State.SUCCEEDED
    client.force_login(methodologist)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("core:job_retry", args=[job.pk]))
    assert response.status_code == 302
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]
    assert len(CALLS) == 1


def test_retry_is_for_the_owner_and_post_only(
    client, methodologist, other_methodologist, django_capture_on_commit_callbacks
):
    job = _failed_job(methodologist, django_capture_on_commit_callbacks)
    client.force_login(methodologist)
    assert client.get(reverse("core:job_retry", args=[job.pk])).status_code == 405
    client.force_login(other_methodologist)
    assert client.post(reverse("core:job_retry", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and len(CALLS) == 1


def test_admin_may_retry_any_job(client, admin_user, methodologist, django_capture_on_commit_callbacks):
    job = _failed_job(methodologist, django_capture_on_commit_callbacks)
    FAIL["on"] = False
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("core:job_retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED


def test_a_job_without_a_recipe_cannot_be_retried(client, methodologist):
    job = job_create(actor=methodologist, kind="test", title="Старый", total=1)
    Job.objects.filter(pk=job.pk).update(state=Job.State.FAILED, error="boom")
    client.force_login(methodologist)
    assert 'id="job-retry"' not in client.get(reverse("core:job_detail", args=[job.pk])).content.decode()
    client.post(reverse("core:job_retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == Job.State.FAILED


@task()
def echo_task(other: str, label: str, job_id: str) -> None:
    with job_running(job_id):
        raise RuntimeError("no")


def test_the_job_id_is_found_among_other_arguments(methodologist, django_capture_on_commit_callbacks):
    import uuid

    job = job_create(actor=methodologist, kind="test", title="Пересчёт", total=1)
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit(echo_task, str(uuid.uuid4()), "2024/25", job_id=str(job.pk))
    job.refresh_from_db()
    assert job.result[RETRY_KEY]["kwargs"] == {"job_id": str(job.pk)}
    assert job.result[RETRY_KEY]["task"].endswith("echo_task")
