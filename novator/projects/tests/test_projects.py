"""Projects: creation, links, the versioned passport, approval, the pages per role, bad input."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from novator.contests.tests.factories import ApplicationFactory, ContestFactory
from novator.core.models import ActivityLog
from novator.organizations.tests.factories import OrganizationFactory, PersonFactory
from novator.projects import services
from novator.projects.models import InnovationProject, ProjectVersion, VersionState
from novator.projects.tests.factories import full_passport, make_project
from novator.statuses.tests.factories import StatusAssignmentFactory

pytestmark = pytest.mark.django_db
D = datetime.date


# --- versioning ----------------------------------------------------------------------------------


def test_the_approved_version_is_kept_while_a_new_draft_is_edited(org_a, coordinator, methodologist):
    project = make_project(org_a)
    approved = project.approved_version
    services.passport_update(actor=coordinator, project=project, changes={"goal": "Новая цель"})
    project.refresh_from_db()
    approved.refresh_from_db()
    assert project.approved_version == approved and approved.state == VersionState.APPROVED
    assert approved.passport["goal"] != "Новая цель"
    draft = services.open_version(project)
    assert draft.number == 2 and draft.passport["goal"] == "Новая цель"
    assert draft.passport["indicators"] == approved.passport["indicators"]  # copied, then changed
    services.version_transition(actor=coordinator, project=project, name="submit")
    services.version_transition(actor=methodologist, project=project, name="approve")
    project.refresh_from_db()
    approved.refresh_from_db()
    assert project.approved_version.number == 2
    assert approved.state == VersionState.SUPERSEDED
    assert list(project.versions.values_list("number", "state")) == [(2, "approved"), (1, "superseded")]


def test_a_submitted_draft_cannot_be_edited(org_a, coordinator):
    project = make_project(org_a, approved=False)
    services.passport_update(
        actor=coordinator, project=project, changes=full_passport([PersonFactory(organization=org_a)])
    )
    services.version_transition(actor=coordinator, project=project, name="submit")
    with pytest.raises(ValidationError, match="awaiting approval"):
        services.passport_update(actor=coordinator, project=project, changes={"goal": "x"})


def test_an_incomplete_passport_cannot_be_submitted(org_a, coordinator):
    project = make_project(org_a, approved=False)
    with pytest.raises(ValidationError) as error:
        services.version_transition(actor=coordinator, project=project, name="submit")
    assert any("indicator" in m for m in error.value.messages)
    assert services.open_version(project).state == VersionState.DRAFT


def test_return_needs_a_comment_and_reopens_the_draft(org_a, coordinator, methodologist):
    project = make_project(org_a, approved=False)
    services.passport_update(
        actor=coordinator, project=project, changes=full_passport([PersonFactory(organization=org_a)])
    )
    services.version_transition(actor=coordinator, project=project, name="submit")
    with pytest.raises(ValidationError):
        services.version_transition(actor=methodologist, project=project, name="return", reason="  ")
    version = services.version_transition(
        actor=methodologist, project=project, name="return", reason="Уточните цель"
    )
    assert version.state == VersionState.RETURNED and version.comment == "Уточните цель"
    services.passport_update(actor=coordinator, project=project, changes={"goal": "Уточнённая цель"})
    assert ActivityLog.objects.filter(action="project.version_return").exists()


@pytest.mark.parametrize(
    ("who", "name"),
    [
        ("coordinator_b", "submit"),
        ("other_methodologist", "approve"),
        ("coordinator", "approve"),
        ("observer", "submit"),
    ],
)
def test_transitions_per_role(org_a, coordinator, request, who, name):
    project = make_project(org_a, approved=False)
    services.passport_update(
        actor=coordinator, project=project, changes=full_passport([PersonFactory(organization=org_a)])
    )
    if name == "approve":
        services.version_transition(actor=coordinator, project=project, name="submit")
    with pytest.raises(PermissionDenied):
        services.version_transition(actor=request.getfixturevalue(who), project=project, name=name)


# --- links ---------------------------------------------------------------------------------------


def test_links_must_belong_to_the_organisation(org_a, org_b, coordinator):
    foreign = ApplicationFactory(organization=org_b, contest=ContestFactory())
    with pytest.raises(ValidationError) as error:
        services.project_create(
            actor=coordinator,
            organization=org_a,
            title="Т",
            application=foreign,
            status_assignment=StatusAssignmentFactory(organization=org_b),
        )
    assert set(error.value.error_dict) == {"application", "status_assignment"}
    assert not InnovationProject.objects.exists()


def test_a_status_continues_only_one_project(org_a, coordinator):
    status = StatusAssignmentFactory(organization=org_a)
    services.project_create(actor=coordinator, organization=org_a, title="Первый", status_assignment=status)
    with pytest.raises(ValidationError, match="Another project"):
        services.project_create(
            actor=coordinator, organization=org_a, title="Второй", status_assignment=status
        )


def test_the_passport_starts_from_the_application(org_a, coordinator):
    application = ApplicationFactory(
        organization=org_a,
        contest=ContestFactory(),
        texts={"goal": "Цель из заявки", "tasks": "— Первая\n— Вторая", "novelty": "Новизна из заявки"},
    )
    project = services.project_create(
        actor=coordinator,
        organization=org_a,
        title="",
        application=application,
        starts_on=D(2023, 1, 1),
        ends_on=D(2025, 12, 31),
    )
    passport = services.open_version(project).passport
    assert project.title == application.project_title
    assert passport["goal"] == "Цель из заявки" and passport["tasks"] == ["Первая", "Вторая"]


def test_coordinator_of_another_organisation_cannot_create(org_a, coordinator_b):
    with pytest.raises(PermissionDenied):
        services.project_create(
            actor=coordinator_b, organization=org_a, title="x", starts_on=D(2023, 1, 1), ends_on=D(2024, 1, 1)
        )


# --- pages ---------------------------------------------------------------------------------------


@pytest.fixture
def project(org_a):
    return make_project(org_a)


@pytest.mark.parametrize(
    ("who", "template"),
    [
        ("coordinator", "projects/project_detail.html"),
        ("methodologist", "projects/project_detail.html"),
        ("observer", "projects/project_detail.html"),
        ("coordinator_b", "projects/project_public.html"),
        ("other_methodologist", "projects/project_public.html"),
        (None, "projects/project_public.html"),
    ],
)
def test_project_page_or_public_summary_per_role(client, project, request, who, template):
    if who:
        client.force_login(request.getfixturevalue(who))
    response = client.get(project.get_absolute_url())
    assert response.status_code == 200
    assert template in [t.name for t in response.templates]


def test_public_summary_hides_the_team(client, project):
    person = PersonFactory(organization=project.organization, last_name="Секретова")
    services.passport_update(
        actor=None, project=project, changes={"team": [{"person": person.pk, "role": "участник"}]}
    )
    services.version_transition(actor=None, project=project, name="submit")
    services.version_transition(actor=None, project=project, name="approve")
    body = client.get(project.get_absolute_url()).content.decode()
    assert "Секретова" not in body and "Повысить долю" in body


def test_a_draft_project_is_not_public(client, org_a):
    project = make_project(org_a, approved=False)
    assert client.get(project.get_absolute_url()).status_code == 404
    assert project not in client.get(reverse("projects:list")).context["page"].object_list


def test_observer_reads_but_cannot_edit(client, project, observer):
    client.force_login(observer)
    assert client.get(reverse("projects:passport_edit", args=[project.pk, "general"])).status_code == 403
    assert client.post(reverse("projects:action", args=[project.pk, "submit"])).status_code == 403


def _general(**over):
    data = {
        "theme": "Тема",
        "goal": "Цель",
        "tasks": "Задача 1\nЗадача 2",
        "novelty": "Н",
        "significance": "З",
        "expected_results": "Р",
        "resources": "",
        "risks": "",
    }
    data.update(over)
    return data


def test_general_section_saves_a_draft_and_shows_xss_escaped(client, project, coordinator):
    client.force_login(coordinator)
    url = reverse("projects:passport_edit", args=[project.pk, "general"])
    response = client.post(url, _general(goal="<script>alert(1)</script>"))
    assert response.status_code == 302
    body = client.get(project.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert services.open_version(project).passport["tasks"] == ["Задача 1", "Задача 2"]


@pytest.mark.parametrize(
    ("section", "data"),
    [
        ("general", _general(theme="")),
        ("general", _general(theme="x" * 501)),
        (
            "indicators",
            {
                "ind-TOTAL_FORMS": "1",
                "ind-INITIAL_FORMS": "0",
                "ind-0-name": "Доля",
                "ind-0-baseline": "много",
            },
        ),
        (
            "indicators",
            {"ind-TOTAL_FORMS": "1", "ind-INITIAL_FORMS": "0", "ind-0-name": "Доля", "ind-0-baseline": "-5"},
        ),
        (
            "indicators",
            {"ind-TOTAL_FORMS": "2", "ind-INITIAL_FORMS": "0", "ind-0-name": "Доля", "ind-1-name": "Доля"},
        ),
        ("indicators", {"ind-TOTAL_FORMS": "999", "ind-INITIAL_FORMS": "0"}),
        (
            "plan",
            {
                "plan-TOTAL_FORMS": "1",
                "plan-INITIAL_FORMS": "0",
                "plan-0-title": "Этап",
                "plan-0-starts_on": "2024-05-01",
                "plan-0-ends_on": "2024-01-01",
            },
        ),
        (
            "plan",
            {
                "plan-TOTAL_FORMS": "1",
                "plan-INITIAL_FORMS": "0",
                "plan-0-title": "Этап",
                "plan-0-starts_on": "2019-05-01",
                "plan-0-ends_on": "2020-01-01",
            },
        ),
        (
            "plan",
            {
                "plan-TOTAL_FORMS": "1",
                "plan-INITIAL_FORMS": "0",
                "plan-0-title": "Этап",
                "plan-0-starts_on": "вчера",
                "plan-0-ends_on": "2024-01-01",
            },
        ),
        (
            "team",
            {
                "team-TOTAL_FORMS": "1",
                "team-INITIAL_FORMS": "0",
                "team-0-person": "abc",
                "team-0-role": "x",
                "partner-TOTAL_FORMS": "0",
                "partner-INITIAL_FORMS": "0",
            },
        ),
        ("plan", {}),  # no management form
    ],
)
def test_passport_sections_refuse_bad_input_and_change_nothing(client, project, coordinator, section, data):
    client.force_login(coordinator)
    before = list(ProjectVersion.objects.values_list("pk", "passport"))
    response = client.post(reverse("projects:passport_edit", args=[project.pk, section]), data)
    assert response.status_code == 200
    assert list(ProjectVersion.objects.values_list("pk", "passport")) == before


def test_team_of_another_organisations_staff_is_refused(client, project, coordinator, org_b):
    client.force_login(coordinator)
    stranger = PersonFactory(organization=org_b)
    data = {
        "team-TOTAL_FORMS": "1",
        "team-INITIAL_FORMS": "0",
        "team-0-person": stranger.pk,
        "team-0-role": "x",
        "partner-TOTAL_FORMS": "0",
        "partner-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("projects:passport_edit", args=[project.pk, "team"]), data)
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()


def test_indicators_section_with_targets_per_year(client, project, coordinator):
    client.force_login(coordinator)
    data = {
        "ind-TOTAL_FORMS": "1",
        "ind-INITIAL_FORMS": "0",
        "ind-0-name": "Доля",
        "ind-0-unit": "%",
        "ind-0-baseline": "10",
        "ind-0-target_2022": "20",
        "ind-0-target_2024": "40.5",
    }
    assert (
        client.post(reverse("projects:passport_edit", args=[project.pk, "indicators"]), data).status_code
        == 302
    )
    indicator = services.open_version(project).passport["indicators"][0]
    assert indicator == {
        "name": "Доля",
        "unit": "%",
        "baseline": "10",
        "targets": {"2022/23": "20", "2024/25": "40.5"},
    }


def test_create_page_bad_input(client, coordinator, org_a, org_b):
    client.force_login(coordinator)
    url = reverse("projects:create")
    for data in (
        {"organization": org_b.pk, "title": "x", "starts_on": "2023-01-01", "ends_on": "2024-01-01"},
        {"organization": org_a.pk, "title": "", "starts_on": "2023-01-01", "ends_on": "2024-01-01"},
        {"organization": org_a.pk, "title": "x", "starts_on": "2024-01-01", "ends_on": "2023-01-01"},
        {"organization": org_a.pk, "title": "x"},  # no term and no status
        {"organization": "1; DROP TABLE", "title": "x", "starts_on": "2023-01-01", "ends_on": "2024-01-01"},
    ):
        response = client.post(url, data)
        assert response.status_code == 200, data
    assert not InnovationProject.objects.exists()
    response = client.post(
        url, {"organization": org_a.pk, "title": "Проект", "starts_on": "2023-01-01", "ends_on": "2024-01-01"}
    )
    assert response.status_code == 302


def test_approve_through_the_page(client, org_a, coordinator, methodologist):
    project = make_project(org_a, approved=False)
    services.passport_update(
        actor=coordinator, project=project, changes=full_passport([PersonFactory(organization=org_a)])
    )
    client.force_login(coordinator)
    client.post(reverse("projects:action", args=[project.pk, "submit"]))
    client.force_login(methodologist)
    response = client.post(
        reverse("projects:action", args=[project.pk, "return"]), {"return-reason": ""}, follow=True
    )
    assert "Write what should be revised" in response.content.decode()
    client.post(reverse("projects:action", args=[project.pk, "approve"]))
    project.refresh_from_db()
    assert project.is_approved


@pytest.mark.parametrize("count", [1, 8])
def test_project_list_query_count_does_not_grow(
    client, coordinator, org_a, django_assert_max_num_queries, count
):
    for _ in range(count):
        make_project(OrganizationFactory(municipality=org_a.municipality), approved=False)
        make_project(OrganizationFactory())
    client.force_login(coordinator)
    with django_assert_max_num_queries(8):  # + the regions of the municipality filter
        assert client.get(reverse("projects:list")).status_code == 200


@pytest.mark.parametrize(
    "data",
    [
        {"starts_on": "2024-01-01", "ends_on": "2023-01-01"},
        {"starts_on": "", "ends_on": ""},  # neither a term nor a status
        {"status_assignment": "999999", "starts_on": "2023-01-01", "ends_on": "2024-01-01"},
        {"application": "x", "starts_on": "2023-01-01", "ends_on": "2024-01-01"},
    ],
)
def test_links_form_refuses_bad_input(client, org_a, coordinator, data):
    project = make_project(org_a, with_status=False, approved=False)
    client.force_login(coordinator)
    response = client.post(reverse("projects:links", args=[project.pk]), data)
    assert response.status_code == 200
    project.refresh_from_db()
    assert (project.starts_on, project.ends_on) == (D(2022, 9, 1), D(2025, 8, 31))
    assert project.status_assignment is None


def test_linking_a_status_through_the_page_schedules_the_reports(client, org_a, coordinator):
    project = make_project(org_a, with_status=False, approved=False)
    status = StatusAssignmentFactory(organization=org_a, starts_on=D(2023, 9, 1))
    client.force_login(coordinator)
    response = client.post(reverse("projects:links", args=[project.pk]), {"status_assignment": status.pk})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status_assignment == status and project.ends_on == status.ends_on
    assert project.reports.count() == 3


def test_calendar_plan_dates_are_shown_as_russian_dates(client, project, coordinator):
    client.force_login(coordinator)
    body = client.get(project.get_absolute_url()).content.decode()
    assert "01.09.2022 – 31.05.2023" in body and "2022-09-01" not in body
