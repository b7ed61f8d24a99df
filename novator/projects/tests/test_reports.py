"""Reports: the workflow per role, what follows a decision, evidence, the exports, bad input."""

from __future__ import annotations

import datetime
import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from novator.contests.tests.files import docx, exe_as_pdf, pdf, png
from novator.core.docx_check import gost_problems
from novator.core.models import ActivityLog
from novator.organizations.tests.factories import OrganizationFactory
from novator.projects import services
from novator.projects.models import (
    ProjectProposal,
    ProposalKind,
    ProposalState,
    ReportEvidence,
    ReportState,
)
from novator.projects.tests.factories import fill_report, make_project, report_of
from novator.statuses.models import StatusEvent

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def project(org_a):
    return make_project(org_a)


@pytest.fixture
def report(project):
    return fill_report(report_of(project, "2022/23"))


def submitted(report, actor=None):
    return services.report_transition(actor=actor, report=report, name="submit")


# --- the workflow per role -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "name", "allowed"),
    [
        ("coordinator", "submit", True),
        ("coordinator_b", "submit", False),
        ("methodologist", "submit", False),
        ("observer", "submit", False),
        ("methodologist", "accept", True),
        ("other_methodologist", "accept", False),
        ("coordinator", "accept", False),
        ("observer", "accept", False),
        ("admin_user", "accept", True),
    ],
)
def test_report_transitions_per_role(report, request, who, name, allowed):
    if name != "submit":
        submitted(report)
    actor = request.getfixturevalue(who)
    if allowed:
        services.report_transition(actor=actor, report=report, name=name)
        report.refresh_from_db()
        assert report.state == {"submit": ReportState.SUBMITTED, "accept": ReportState.ACCEPTED}[name]
    else:
        with pytest.raises(PermissionDenied):
            services.report_transition(actor=actor, report=report, name=name)


def test_an_incomplete_report_cannot_be_submitted(project, coordinator):
    with pytest.raises(ValidationError) as error:
        services.report_transition(actor=coordinator, report=report_of(project, "2022/23"), name="submit")
    assert "Write the summary of the year." in error.value.messages


def test_return_and_reject_need_a_reason(report, methodologist):
    submitted(report)
    for name in ("return", "reject"):
        with pytest.raises(ValidationError):
            services.report_transition(actor=methodologist, report=report, name=name, reason=" ")
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED


def test_a_submitted_report_cannot_be_edited(report, coordinator):
    submitted(report)
    with pytest.raises(ValidationError):
        services.report_update(actor=coordinator, report=report, content={"summary": "new"})


def test_rejection_proposes_revocation_and_confirming_revokes_with_the_grounds(report, methodologist, today):
    submitted(report)
    services.report_transition(
        actor=methodologist, report=report, name="reject", reason="Проект не реализуется"
    )
    proposal = ProjectProposal.objects.get()
    assert proposal.kind == ProposalKind.REVOKE and "Проект не реализуется" in proposal.grounds
    services.proposal_confirm(
        actor=methodologist, proposal=proposal, order_number="77-п", order_date=D(2024, 3, 10)
    )
    status = report.project.status_assignment
    status.refresh_from_db()
    assert status.revoked_on == today
    assert "Проект не реализуется" in status.revocation_grounds
    event = StatusEvent.objects.get(assignment=status, kind=StatusEvent.Kind.REVOKE)
    assert event.order_number == "77-п"
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.CONFIRMED
    report.project.refresh_from_db()
    assert report.project.closed_on == today
    # the reports not yet due are dropped
    assert set(report.project.reports.values_list("academic_year", flat=True)) == {"2022/23"}
    actions = set(ActivityLog.objects.values_list("action", flat=True))
    assert {"report.reject", "proposal.revoke", "status.revoke", "proposal.confirm_revoke"} <= actions


def test_only_the_methodologist_of_the_municipality_confirms(
    report, methodologist, other_methodologist, coordinator
):
    submitted(report)
    services.report_transition(actor=methodologist, report=report, name="reject", reason="Нет результатов")
    proposal = ProjectProposal.objects.get()
    for actor in (other_methodologist, coordinator):
        with pytest.raises(PermissionDenied):
            services.proposal_confirm(actor=actor, proposal=proposal)
    assert report.project.status_assignment.revoked_on is None


def test_a_good_final_report_proposes_extension_and_confirming_extends(project, methodologist, today):
    final = fill_report(report_of(project, "2024/25"))
    submitted(final)
    with pytest.raises(ValidationError):  # the outcome is required for a final report
        services.report_transition(actor=methodologist, report=final, name="accept")
    with pytest.raises(ValidationError):  # the new end must be later
        services.report_transition(
            actor=methodologist, report=final, name="accept", outcome="extend", proposed_ends_on=D(2025, 1, 1)
        )
    services.report_transition(
        actor=methodologist, report=final, name="accept", outcome="extend", proposed_ends_on=D(2027, 8, 31)
    )
    proposal = ProjectProposal.objects.get(kind=ProposalKind.EXTEND)
    with pytest.raises(ValidationError):  # an extension is made by an order
        services.proposal_confirm(actor=methodologist, proposal=proposal)
    services.proposal_confirm(
        actor=methodologist, proposal=proposal, order_number="12", order_date=D(2024, 3, 1)
    )
    status = project.status_assignment
    status.refresh_from_db()
    assert status.ends_on == D(2027, 8, 31)
    assert project.reports.filter(academic_year="2026/27", kind="final").exists()


def test_a_final_report_may_propose_closing(project, methodologist, today):
    final = fill_report(report_of(project, "2024/25"))
    submitted(final)
    services.report_transition(actor=methodologist, report=final, name="accept", outcome="close")
    proposal = ProjectProposal.objects.get(kind=ProposalKind.CLOSE)
    services.proposal_confirm(actor=methodologist, proposal=proposal)
    project.refresh_from_db()
    assert project.closed_on == today


def test_dismissing_needs_a_note(report, methodologist):
    submitted(report)
    services.report_transition(actor=methodologist, report=report, name="reject", reason="x")
    proposal = ProjectProposal.objects.get()
    with pytest.raises(ValidationError):
        services.proposal_dismiss(actor=methodologist, proposal=proposal, note="")
    services.proposal_dismiss(actor=methodologist, proposal=proposal, note="Отчёт будет представлен повторно")
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.DISMISSED
    assert report.project.status_assignment.revoked_on is None


# --- pages per role ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("coordinator", 200),
        ("methodologist", 200),
        ("observer", 200),
        ("admin_user", 200),
        ("coordinator_b", 403),
        ("other_methodologist", 403),
        ("teacher", 403),
        ("expert", 403),
    ],
)
def test_report_page_per_role(client, report, request, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(report.get_absolute_url()).status_code == status


def test_anonymous_is_sent_to_log_in(client, report):
    for url in (
        report.get_absolute_url(),
        reverse("projects:report_list"),
        reverse("projects:report_docx", args=[report.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_observer_reads_but_sees_no_actions_and_cannot_post(client, report, observer):
    client.force_login(observer)
    body = client.get(report.get_absolute_url()).content.decode()
    assert "Submit the report" not in body and 'name="summary"' not in body
    assert client.post(reverse("projects:report_action", args=[report.pk, "submit"])).status_code == 403
    assert client.post(report.get_absolute_url(), {"summary": "x"}).status_code == 403


def test_report_lists_are_scoped(client, report, coordinator_b, methodologist, org_b):
    other = fill_report(report_of(make_project(org_b), "2022/23"))
    client.force_login(coordinator_b)
    assert [
        r.pk
        for r in client.get(reverse("projects:report_list")).context["page"].object_list
        if r.academic_year == "2022/23"
    ] == [other.pk]
    client.force_login(methodologist)
    mine = [
        r.pk
        for r in client.get(reverse("projects:report_list"), {"year": "2022/23"}).context["page"].object_list
    ]
    assert mine == [report.pk]


def test_review_through_the_page(client, report, coordinator, methodologist, today):
    client.force_login(coordinator)
    client.post(reverse("projects:report_action", args=[report.pk, "submit"]))
    client.force_login(methodologist)
    bad = client.post(
        reverse("projects:report_action", args=[report.pk, "return"]),
        {"return-reason": "Дополните", "return-fixes_due_on": "2020-01-01"},
    )
    assert bad.status_code == 200 and "cannot be in the past" in bad.content.decode()
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    client.post(reverse("projects:report_action", args=[report.pk, "return"]), {"return-reason": "Дополните"})
    report.refresh_from_db()
    assert report.state == ReportState.RETURNED and report.fixes_due_on == today + datetime.timedelta(days=14)


@pytest.mark.parametrize(
    "data",
    [
        {"summary": "x" * 10_001},
        {"summary": "ok", "actual_0": "много"},
        {"summary": "ok", "actual_0": "-3"},
        {"summary": "ok", "actual_0": "1e400"},
    ],
)
def test_report_form_refuses_bad_input(client, project, coordinator, data):
    report = report_of(project, "2022/23")
    client.force_login(coordinator)
    response = client.post(report.get_absolute_url(), data)
    assert response.status_code == 200
    report.refresh_from_db()
    assert report.content == {}


def test_report_form_saves_and_shows_xss_escaped(client, project, coordinator):
    report = report_of(project, "2022/23")
    client.force_login(coordinator)
    response = client.post(
        report.get_absolute_url(),
        {"summary": "<img src=x onerror=alert(1)>", "stage_0": "Сделано", "actual_0": "33"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.content["indicators"][0]["actual"] == "33"
    assert report.content["indicators"][0]["planned"] == "30"  # from the approved passport's plan for 2022/23
    body = client.get(report.get_absolute_url()).content.decode()
    assert "<img src=x onerror=alert(1)>" not in body and "&lt;img src=x onerror=alert(1)&gt;" in body


# --- evidence ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("upload", "ok"),
    [
        (pdf(), True),
        (png(), True),
        (docx(), True),
        (exe_as_pdf(), False),  # an executable named .pdf
        (docx(macros=True), False),
        (SimpleUploadedFile("report.pdf", b""), False),
        (SimpleUploadedFile("virus.pdf.exe", b"MZ" + b"\x00" * 40), False),
    ],
)
def test_evidence_is_checked_by_content(client, report, coordinator, upload, ok):
    client.force_login(coordinator)
    response = client.post(
        reverse("projects:evidence_upload", args=[report.pk]), {"title": "Приказ", "file": upload}
    )
    assert ReportEvidence.objects.exists() is ok
    if not ok:
        assert response.status_code == 200 and "invalid-feedback" in response.content.decode()


def test_evidence_download_needs_permission(client, report, coordinator, coordinator_b):
    evidence = services.evidence_add(
        actor=coordinator, report=report, title="Программа семинара", upload=pdf()
    )
    url = reverse("projects:evidence_download", args=[evidence.pk])
    client.force_login(coordinator_b)
    assert client.get(url).status_code == 403
    client.force_login(coordinator)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF")


# --- exports -------------------------------------------------------------------------------------


def test_report_docx_opens_and_contains_the_data(client, report, methodologist):
    services.evidence_add(actor=None, report=report, title="Программа семинара", upload=pdf())
    client.force_login(methodologist)
    response = client.get(reverse("projects:report_docx", args=[report.pk]))
    assert response.status_code == 200
    document = Document(io.BytesIO(b"".join(response.streaming_content)))
    assert gost_problems(document) == []
    text = "\n".join(p.text for p in document.paragraphs)
    cells = " ".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "ГОДОВОЙ ОТЧЁТ" in text and "2022/23" in text
    assert report.project.organization.full_name in text
    assert "Итоги года: творческая группа" in text
    assert "Программа семинара" in text
    assert "Доля педагогов" in cells and "32" in cells
    assert "{{" not in text and "{%" not in text


def test_year_xlsx_opens_and_contains_the_reports_of_the_year(client, report, project, methodologist, org_b):
    make_project(org_b)  # another municipality: not in the methodologist's export
    client.force_login(methodologist)
    response = client.get(reverse("projects:report_export"), {"year": "2022/23"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert zipfile.is_zipfile(io.BytesIO(content))
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][1] == "Organisation"
    assert len(rows) == 2
    assert rows[1][1] == project.organization.short_name and rows[1][6] == "2022/23"
    assert "Доля педагогов: 30 / 32" in rows[1][13]


def test_year_export_refuses_a_bad_year(client, methodologist):
    client.force_login(methodologist)
    response = client.get(reverse("projects:report_export"), {"year": "2022/25"}, follow=True)
    assert "Write the academic year as 2022/23." in response.content.decode()


@pytest.mark.parametrize("count", [1, 6])
def test_report_list_query_count_does_not_grow(
    client, methodologist, municipality, django_assert_max_num_queries, count
):
    for _ in range(count):
        make_project(OrganizationFactory(municipality=municipality), approved=False)
    client.force_login(methodologist)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("projects:report_list")).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("projects:proposal_list")).status_code == 200


@pytest.fixture
def proposal(report, methodologist):
    submitted(report)
    services.report_transition(actor=methodologist, report=report, name="reject", reason="Нет результатов")
    return ProjectProposal.objects.get()


@pytest.mark.parametrize(
    "data",
    [{"order_date": "10.03.2024x"}, {"on": "2019-01-01"}, {"order_number": "x" * 51}],
)
def test_confirm_form_refuses_bad_input_and_changes_nothing(client, proposal, methodologist, today, data):
    client.force_login(methodologist)
    response = client.post(reverse("projects:proposal_confirm", args=[proposal.pk]), data)
    assert response.status_code == 200
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.OPEN
    assert proposal.project.status_assignment.revoked_on is None


def test_confirm_and_dismiss_pages_per_role(client, proposal, coordinator, observer, methodologist, today):
    for user in (coordinator, observer):
        client.force_login(user)
        assert client.get(proposal.get_absolute_url()).status_code == 200
        assert "Confirm and carry out" not in client.get(proposal.get_absolute_url()).content.decode()
        assert client.post(reverse("projects:proposal_confirm", args=[proposal.pk]), {}).status_code == 403
    client.force_login(methodologist)
    response = client.post(reverse("projects:proposal_dismiss", args=[proposal.pk]), {"note": ""})
    assert response.status_code == 200
    response = client.post(
        reverse("projects:proposal_confirm", args=[proposal.pk]),
        {"order_number": "5", "order_date": "2024-03-10"},
    )
    assert response.status_code == 302
    proposal.project.status_assignment.refresh_from_db()
    assert proposal.project.status_assignment.revoked_on == today
