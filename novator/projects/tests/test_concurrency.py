"""Optimistic locking of the project pages: links, passport parts, reports, programmes (issue #11)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from novator.contests.tests.test_concurrency import is_stale, token_of
from novator.core.concurrency import StaleVersionError
from novator.projects import services
from novator.projects.models import Programme
from novator.projects.tests.factories import ProgrammeFactory, make_project, report_of

from .test_programmes import programme_data
from .test_projects import _general

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(org_a):
    return make_project(org_a)


def test_second_tab_saving_the_same_passport_part_is_refused(client, project, coordinator):
    client.force_login(coordinator)
    url = reverse("projects:passport_edit", args=[project.pk, "general"])
    first, second = token_of(client.get(url)), token_of(client.get(url))
    assert first == second
    response = client.post(url, {**_general(goal="Цель первой вкладки"), "version_token": first})
    assert response.status_code == 302
    response = client.post(url, {**_general(goal="Цель второй вкладки"), "version_token": second})
    assert response.status_code == 200 and response.context["stale"]
    body = response.content.decode()
    assert 'id="stale-version"' in body and "Цель второй вкладки" in body
    assert services.open_version(project).passport["goal"] == "Цель первой вкладки"
    fresh = token_of(client.get(url))
    response = client.post(url, {**_general(goal="Цель второй вкладки"), "version_token": fresh})
    assert response.status_code == 302
    assert services.open_version(project).passport["goal"] == "Цель второй вкладки"


def test_saving_another_part_does_not_make_a_page_stale(client, project, coordinator):
    client.force_login(coordinator)
    general = reverse("projects:passport_edit", args=[project.pk, "general"])
    team = reverse("projects:passport_edit", args=[project.pk, "team"])
    token = token_of(client.get(general))
    team_token = token_of(client.get(team))
    services.passport_update(actor=coordinator, project=project, changes={"stages": []})
    assert token_of(client.get(team)) == team_token
    assert client.post(general, {**_general(goal="Своя цель"), "version_token": token}).status_code == 302
    assert services.open_version(project).passport["goal"] == "Своя цель"


def test_garbage_passport_token_is_refused_and_none_is_accepted(client, project, coordinator):
    client.force_login(coordinator)
    url = reverse("projects:passport_edit", args=[project.pk, "general"])
    response = client.post(url, {**_general(goal="Мусор"), "version_token": "x" * 1000})
    assert response.status_code == 200 and response.context["stale"]
    assert services.open_version(project) is None  # nothing saved, not even a draft
    assert client.post(url, _general(goal="Без версии")).status_code == 302
    assert services.open_version(project).passport["goal"] == "Без версии"
    with pytest.raises(StaleVersionError):
        services.passport_update(actor=coordinator, project=project, changes={"goal": "x"}, version="0")


def test_second_tab_saving_the_links_is_refused(client, org_a, coordinator):
    project = make_project(org_a, with_status=False, approved=False)
    client.force_login(coordinator)
    url = reverse("projects:links", args=[project.pk])
    first, second = token_of(client.get(url)), token_of(client.get(url))
    data = {"starts_on": "2022-09-01", "ends_on": "2026-08-31", "version_token": first}
    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, "ends_on": "2027-08-31", "version_token": second})
    assert response.status_code == 200 and is_stale(response)
    project.refresh_from_db()
    assert project.ends_on == datetime.date(2026, 8, 31)
    response = client.post(url, {**data, "ends_on": "2027-08-31", "version_token": "garbage"})
    assert is_stale(response)
    services.project_update(actor=None, project=project, data={"ends_on": datetime.date(2027, 8, 31)})
    project.refresh_from_db()
    assert project.ends_on == datetime.date(2027, 8, 31)


def test_second_tab_saving_the_report_is_refused(client, project, coordinator):
    report = report_of(project, "2022/23")
    client.force_login(coordinator)
    url = report.get_absolute_url()
    first, second = token_of(client.get(url)), token_of(client.get(url))
    assert client.post(url, {"summary": "Первая вкладка", "version_token": first}).status_code == 302
    response = client.post(url, {"summary": "Вторая вкладка", "version_token": second})
    assert response.status_code == 200 and is_stale(response)
    assert "Вторая вкладка" in response.content.decode()
    report.refresh_from_db()
    assert report.content["summary"] == "Первая вкладка"
    response = client.post(url, {"summary": "Мусор", "version_token": "<b>1</b>"})
    assert is_stale(response)
    services.report_update(actor=coordinator, report=report, content={"summary": "Без версии"})
    report.refresh_from_db()
    assert report.content["summary"] == "Без версии"


def test_second_tab_saving_the_programme_is_refused(client, methodologist, municipality):
    programme = ProgrammeFactory(municipality=municipality)
    client.force_login(methodologist)
    url = reverse("projects:programme_edit", args=[programme.pk])
    first, second = token_of(client.get(url)), token_of(client.get(url))
    data = programme_data(municipality)
    assert client.post(url, {**data, "title": "Первая", "version_token": first}).status_code == 302
    response = client.post(url, {**data, "title": "Вторая", "version_token": second})
    assert response.status_code == 200 and is_stale(response)
    assert "Вторая" in response.content.decode()
    assert Programme.objects.get().title == "Первая"
    assert is_stale(client.post(url, {**data, "title": "Мусор", "version_token": "1.0"}))
    assert Programme.objects.get().title == "Первая"
