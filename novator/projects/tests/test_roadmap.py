"""The management roadmap: steps detected from the system, marks by hand, the overview, templates."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from docx import Document

from novator.core.docx_check import gost_problems
from novator.core.models import ActivityLog
from novator.organizations.tests.factories import OrganizationFactory
from novator.projects import roadmap, selectors, services
from novator.projects.models import RoadmapMark
from novator.projects.roadmap import STEP_KEYS
from novator.projects.tests.factories import answer, fill_report, make_project, make_run, report_of

pytestmark = pytest.mark.django_db


def done(organization):
    return [s.step.key for s in selectors.roadmap_for(organization).steps if s.done]


def test_the_steps_in_order_with_recommendations():
    assert STEP_KEYS == (
        "diagnostics",
        "goal_setting",
        "project_design",
        "staff_inclusion",
        "implementation",
        "reflection",
        "dissemination",
    )
    for step in roadmap.STEPS:
        assert len(step.recommendation) >= 2 and all(len(p) > 150 for p in step.recommendation)


def test_nothing_done_for_a_new_organisation(org_a):
    rm = selectors.roadmap_for(org_a)
    assert done(org_a) == [] and rm.percent == 0 and rm.current.step.key == "diagnostics"


def test_diagnostics_needs_five_answers(org_a):
    run = make_run(org_a)
    answer(run, 4)
    assert "diagnostics" not in done(org_a)
    answer(run, 1, prefix="x")
    assert "diagnostics" in done(org_a)


def test_steps_detected_from_the_project_and_its_reports(org_a, methodologist):
    project = make_project(org_a)  # approved, a team of three
    assert done(org_a) == ["goal_setting", "project_design", "staff_inclusion"]
    report = fill_report(report_of(project, "2022/23"))
    services.report_transition(actor=None, report=report, name="submit")
    assert "implementation" in done(org_a)
    services.report_transition(actor=methodologist, report=report, name="accept")
    assert {"reflection", "dissemination"} <= set(done(org_a))  # the report names its events


def test_mark_by_hand_with_a_note_and_take_it_back(org_a, coordinator, today):
    with pytest.raises(ValidationError):
        services.roadmap_mark(actor=coordinator, organization=org_a, step="diagnostics", note="  ")
    with pytest.raises(ValidationError):
        services.roadmap_mark(actor=coordinator, organization=org_a, step="nonsense", note="x")
    services.roadmap_mark(
        actor=coordinator, organization=org_a, step="diagnostics", note="Бумажные анкеты, 20 человек"
    )
    state = selectors.roadmap_for(org_a).steps[0]
    assert state.done and not state.detected and state.mark.note == "Бумажные анкеты, 20 человек"
    services.roadmap_unmark(actor=coordinator, organization=org_a, step="diagnostics")
    assert not RoadmapMark.objects.exists()
    assert ActivityLog.objects.filter(action__in=["roadmap.mark", "roadmap.unmark"]).count() == 2


@pytest.mark.parametrize("who", ["coordinator_b", "other_methodologist", "observer", "teacher"])
def test_others_cannot_mark(org_a, request, who):
    with pytest.raises(PermissionDenied):
        services.roadmap_mark(
            actor=request.getfixturevalue(who), organization=org_a, step="diagnostics", note="x"
        )


def test_mark_through_the_page_refuses_bad_input(client, org_a, coordinator, today):
    client.force_login(coordinator)
    url = reverse("projects:roadmap_mark", args=[org_a.pk, "diagnostics"])
    client.post(url, {"note": "", "on": "2024-01-01"})
    client.post(url, {"note": "x", "on": "позавчера"})
    client.post(url, {"note": "x", "on": "2099-01-01"})  # in the future
    assert not RoadmapMark.objects.exists()
    response = client.post(url, {"note": "<b>готово</b>", "on": ""}, follow=True)
    assert RoadmapMark.objects.get().note == "<b>готово</b>"
    assert "&lt;b&gt;готово&lt;/b&gt;" in response.content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("coordinator", 200),
        ("methodologist", 200),
        ("observer", 200),
        ("coordinator_b", 403),
        ("other_methodologist", 403),
    ],
)
def test_roadmap_page_per_role(client, org_a, request, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("projects:roadmap_detail", args=[org_a.pk])).status_code == status


def test_roadmap_home_sends_each_role_where_it_belongs(client, org_a, coordinator, methodologist):
    assert client.get(reverse("projects:roadmap")).status_code == 200  # the methodology, for everyone
    client.force_login(coordinator)
    assert client.get(reverse("projects:roadmap"))["Location"] == reverse(
        "projects:roadmap_detail", args=[org_a.pk]
    )
    client.force_login(methodologist)
    assert client.get(reverse("projects:roadmap"))["Location"] == reverse("projects:roadmap_overview")


def test_overview_shows_the_municipality_only(client, methodologist, org_a, org_b):
    make_project(org_a)
    client.force_login(methodologist)
    response = client.get(reverse("projects:roadmap_overview"))
    orgs = {rm.organization for rm in response.context["roadmaps"]}
    assert org_a in orgs and org_b not in orgs
    row = next(rm for rm in response.context["roadmaps"] if rm.organization == org_a)
    assert row.percent == 43  # 3 of 7


def test_coordinator_cannot_see_the_overview(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("projects:roadmap_overview")).status_code == 403


@pytest.mark.parametrize("count", [2, 12])
def test_overview_query_count_does_not_grow(
    client, methodologist, municipality, django_assert_max_num_queries, count
):
    for i in range(count):
        organization = OrganizationFactory(municipality=municipality)
        if i % 2:
            make_project(organization)
        services.roadmap_mark(actor=None, organization=organization, step="diagnostics", note="x")
    client.force_login(methodologist)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("projects:roadmap_overview")).status_code == 200


@pytest.mark.parametrize("step", STEP_KEYS)
def test_templates_download_and_open(client, step):
    response = client.get(reverse("projects:roadmap_template", args=[step]))
    assert response.status_code == 200
    document = Document(io.BytesIO(b"".join(response.streaming_content)))
    assert gost_problems(document) == []
    assert document.paragraphs[0].text.strip()


def test_unknown_template_is_404(client):
    assert client.get("/projects/roadmap/templates/passwords.docx").status_code == 404


def test_a_later_app_can_register_a_detector(org_a, monkeypatch):
    monkeypatch.setattr(roadmap, "_DETECTORS", {k: list(v) for k, v in roadmap._DETECTORS.items()})
    roadmap.register_detector(
        "dissemination", lambda ids: {org_a.pk: ["Мастер-класс на фестивале"]} if org_a.pk in ids else {}
    )
    state = selectors.roadmap_for(org_a).steps[-1]
    assert state.done and state.evidence == ["Мастер-класс на фестивале"]
