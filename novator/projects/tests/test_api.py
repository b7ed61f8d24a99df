"""REST API: programmes with stages and progress, public project summaries, scoped reports."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from novator.organizations.tests.factories import OrganizationFactory
from novator.projects.tests.factories import (
    ProgrammeFactory,
    ResultFactory,
    StageFactory,
    fill_report,
    make_project,
    report_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_programmes_with_stages_planned_actual_and_progress(api, municipality):
    programme = ProgrammeFactory(municipality=municipality)
    stage = StageFactory(programme=programme, number=1, academic_year="2021/22", title="Инструменты")
    ResultFactory(
        stage=stage,
        title="Конференция",
        planned_value=Decimal(1),
        actual_value=Decimal(1),
        unit="конференция",
    )
    ProgrammeFactory(municipality=municipality, draft=True)
    data = api.get("/api/v1/programmes/").json()
    assert data["count"] == 1
    item = data["results"][0]
    assert item["progress"] == 100
    stage_data = item["stages"][0]
    assert stage_data["academic_year"] == "2021/22" and stage_data["title"] == "Инструменты"
    assert stage_data["planned_results"] == ["Конференция: 1 конференция"]
    assert stage_data["actual_results"] == ["Конференция: 1 конференция"]
    assert stage_data["progress"] == 100
    assert stage_data["results"][0]["planned"] == "1.00" and stage_data["results"][0]["actual"] == "1.00"
    assert api.get(f"/api/v1/programmes/{programme.pk}/").json()["stages"][0]["title"] == "Инструменты"


def test_projects_show_public_summaries_of_approved_projects_only(api, org_a):
    approved = make_project(org_a)
    make_project(OrganizationFactory(), approved=False)
    data = api.get("/api/v1/projects/").json()
    assert [p["id"] for p in data["results"]] == [approved.pk]
    summary = data["results"][0]
    assert summary["organization"]["municipality"] == "03612000"
    assert summary["status"]["kind"] == "MIP"
    assert summary["goal"].startswith("Повысить долю")
    assert "team" not in summary and "risks" not in summary


def test_project_filters_refuse_bad_values(api):
    assert api.get("/api/v1/projects/", {"municipality": "abc"}).status_code == 400
    assert api.get("/api/v1/projects/", {"organization": "-1"}).status_code == 400


def test_reports_need_authentication_and_are_scoped(api, org_a, org_b, coordinator, methodologist, observer):
    mine = report_of(make_project(org_a), "2022/23")
    make_project(org_b)
    assert api.get("/api/v1/project-reports/").status_code in (401, 403)
    api.force_authenticate(coordinator)
    years = {
        (r["organization"], r["academic_year"]) for r in api.get("/api/v1/project-reports/").json()["results"]
    }
    assert years == {(org_a.pk, "2022/23"), (org_a.pk, "2023/24"), (org_a.pk, "2024/25")}
    api.force_authenticate(observer)  # the region: both municipalities
    assert api.get("/api/v1/project-reports/").json()["count"] == 6
    api.force_authenticate(methodologist)
    data = api.get("/api/v1/project-reports/", {"academic_year": "2022/23"}).json()
    assert [r["id"] for r in data["results"]] == [mine.pk]
    assert data["results"][0]["report_state"] == "draft"
    assert api.get("/api/v1/project-reports/", {"academic_year": "22/23"}).status_code == 400
    assert api.get("/api/v1/project-reports/", {"state": "lost"}).status_code == 400


def test_report_of_another_organisation_is_not_found(api, org_b, coordinator):
    other = report_of(make_project(org_b), "2022/23")
    api.force_authenticate(coordinator)
    assert api.get(f"/api/v1/project-reports/{other.pk}/").status_code == 404


@pytest.mark.parametrize("count", [1, 5])
def test_api_lists_query_count_does_not_grow(
    api, municipality, methodologist, django_assert_max_num_queries, count
):
    for _ in range(count):
        programme = ProgrammeFactory(municipality=municipality)
        stage = StageFactory(programme=programme, number=1, academic_year="2021/22")
        ResultFactory(stage=stage)
        ResultFactory(stage=stage, source="statuses.awarded", target="MIP", actual_value=None)
        project = make_project(OrganizationFactory(municipality=municipality))
        fill_report(report_of(project, "2022/23"))
    with django_assert_max_num_queries(6):
        assert api.get("/api/v1/programmes/").status_code == 200
    with django_assert_max_num_queries(3):
        assert api.get("/api/v1/projects/").status_code == 200
    api.force_authenticate(methodologist)
    with django_assert_max_num_queries(4):
        assert api.get("/api/v1/project-reports/").status_code == 200
