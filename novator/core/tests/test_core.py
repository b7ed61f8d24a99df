from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from novator.core.academic_year import AcademicYear
from novator.core.jobs import job_create, job_running
from novator.core.models import Job
from novator.core.text import fold


def test_fold_is_case_and_yo_insensitive():
    assert fold("  Берёзка\u00a0ЁЛКА ") == "березка елка"
    assert fold(None) == ""


def test_academic_year():
    year = AcademicYear.parse("2022/23")
    assert str(year) == "2022/23"
    assert year.starts == datetime.date(2022, 9, 1)
    assert year.ends == datetime.date(2023, 8, 31)
    assert AcademicYear.of(datetime.date(2023, 8, 31)) == year
    assert AcademicYear.of(datetime.date(2023, 9, 1)) == AcademicYear(2023)
    assert str(AcademicYear(1999)) == "1999/00"
    for bad in ("2022/24", "22/23", "abc", "2022"):
        with pytest.raises(ValueError):
            AcademicYear.parse(bad)


@pytest.mark.parametrize("bad", ["0000/01", "9999/00", "9999/10000", "1899/00", "2200/01"])
def test_academic_year_out_of_range_is_refused(bad):
    """Years whose dates Python cannot hold were a 500 on every page with a year filter."""
    with pytest.raises(ValueError):
        AcademicYear.parse(bad)
    assert AcademicYear.parse("1900/01").starts == datetime.date(1900, 9, 1)
    assert AcademicYear.parse("2199/00").ends == datetime.date(2200, 8, 31)


@pytest.mark.django_db
def test_job_progress_and_success():
    job = job_create(actor=None, kind="test", title="Test job", total=0)
    with job_running(job.pk) as progress:
        progress.set_total(10)
        for _ in range(10):
            progress.step()
        progress.job.result = {"summary": "ok"}
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED
    assert job.percent == 100
    assert job.result == {"summary": "ok"}
    assert job.finished_at is not None


@pytest.mark.django_db
def test_job_failure_records_the_reason():
    job = job_create(actor=None, kind="test", title="Test job", total=3)
    with pytest.raises(RuntimeError), job_running(job.pk) as progress:
        progress.step()
        raise RuntimeError("disk full")
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert "disk full" in job.error


@pytest.mark.django_db
def test_job_page_is_only_for_its_owner(client, methodologist, other_methodologist):
    job = job_create(actor=methodologist, kind="test", title="Импорт реестра", total=4)
    url = reverse("core:job_detail", args=[job.pk])
    assert client.get(url).status_code == 302  # to login
    client.force_login(other_methodologist)
    assert client.get(url).status_code == 404
    client.force_login(methodologist)
    page = client.get(url)
    assert page.status_code == 200
    assert "Импорт реестра" in page.content.decode()
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in fragment
    assert client.get(url, {"format": "json"}).json()["state"] == "queued"


@pytest.mark.django_db
def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
