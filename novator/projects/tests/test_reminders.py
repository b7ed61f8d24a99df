"""Reminders before the due date and when overdue, with a frozen clock; idempotence; the command."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from novator.core.models import ActivityLog, Job
from novator.projects import services
from novator.projects.models import ProjectProposal, ProposalKind, ReminderKind, ReportReminder, ReportState
from novator.projects.tests.conftest import freeze
from novator.projects.tests.factories import fill_report, make_project, report_of

pytestmark = pytest.mark.django_db
D = datetime.date


def send(day, **kw):
    return services.reminders_send(today=day, **kw)


@pytest.fixture
def project(org_a, coordinator):
    org_a.email = "school1@example.org"
    org_a.save()
    return make_project(org_a)


def kinds(report):
    return sorted(report.reminders.values_list("kind", flat=True))


def test_nothing_is_sent_long_before_the_due_date(project):
    assert send(D(2023, 5, 1))["before"] == 0
    assert len(mail.outbox) == 0


def test_reminder_n_days_before_goes_to_the_coordinators_and_the_organisation(
    project, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        counts = send(D(2023, 6, 1))
    assert counts["before"] == 1
    report = report_of(project, "2022/23")
    assert kinds(report) == [ReminderKind.BEFORE]
    assert {m.to[0] for m in mail.outbox} == {coordinator.email, "school1@example.org"}
    assert "15.06.2023" in mail.outbox[0].subject
    assert report.get_absolute_url() in mail.outbox[0].body


def test_the_due_date_itself_is_not_overdue(project):
    report = report_of(project, "2022/23")
    assert not report.is_overdue_on(D(2023, 6, 15))
    assert report.is_overdue_on(D(2023, 6, 16))
    assert send(D(2023, 6, 15))["overdue"] == 0


def test_overdue_reminder_the_day_after(project):
    assert send(D(2023, 6, 16))["overdue"] == 1
    assert kinds(report_of(project, "2022/23")) == [ReminderKind.OVERDUE]


def test_never_twice_for_the_same_report_and_kind(project, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send(D(2023, 6, 1))
        send(D(2023, 6, 1))
        send(D(2023, 6, 10))
        send(D(2023, 6, 16))
        send(D(2023, 6, 20))
    report = report_of(project, "2022/23")
    assert kinds(report) == [ReminderKind.BEFORE, ReminderKind.OVERDUE]
    assert ReportReminder.objects.count() == 2
    assert len(mail.outbox) == 4  # two reminders × (coordinator + organisation)


def test_a_submitted_report_is_neither_reminded_nor_overdue(project, today):
    report = report_of(project, "2022/23")
    fill_report(report)
    services.report_transition(actor=None, report=report, name="submit", today=D(2023, 6, 1))
    report.refresh_from_db()
    assert not report.is_overdue_on(D(2023, 7, 1))
    send(D(2023, 7, 1))
    assert kinds(report) == []


def test_a_returned_report_is_overdue_after_the_date_for_fixes(project):
    report = report_of(project, "2022/23")
    fill_report(report)
    services.report_transition(actor=None, report=report, name="submit", today=D(2023, 6, 1))
    services.report_transition(
        actor=None,
        report=report,
        name="return",
        reason="Дополните",
        fixes_due_on=D(2023, 7, 1),
        today=D(2023, 6, 20),
    )
    report.refresh_from_db()
    assert not report.is_overdue_on(D(2023, 6, 30))  # past the due date, but within the date for fixes
    send(D(2023, 6, 30))
    assert kinds(report) == []
    assert report.is_overdue_on(D(2023, 7, 2))
    assert send(D(2023, 7, 2))["fixes_overdue"] == 1


def test_a_missing_report_proposes_revocation_once(project):
    send(D(2023, 7, 10))  # 25 days late: not yet
    assert not ProjectProposal.objects.exists()
    counts = send(D(2023, 7, 16))
    assert counts["proposals"] == 1
    proposal = ProjectProposal.objects.get()
    assert proposal.kind == ProposalKind.REVOKE
    assert "15.06.2023" in proposal.grounds
    send(D(2023, 7, 17))
    assert ProjectProposal.objects.count() == 1
    assert ActivityLog.objects.filter(action="proposal.revoke").count() == 1


def test_overdue_badge_on_pages(client, project, methodologist, monkeypatch):
    freeze(monkeypatch, D(2023, 6, 20))
    client.force_login(methodologist)
    from django.urls import reverse

    body = client.get(reverse("projects:report_list")).content.decode()
    assert "bi-exclamation-triangle" in body  # the overdue badge
    body = client.get(project.get_absolute_url()).content.decode()
    assert "bi-exclamation-triangle" in body
    overdue_only = client.get(reverse("projects:report_list"), {"overdue": "on"}).context["page"].object_list
    assert [r.academic_year for r in overdue_only] == ["2022/23"]


def test_reports_attention_tag_for_the_home_page(rf, project, coordinator, monkeypatch):
    from django.template import Context, Template

    freeze(monkeypatch, D(2023, 6, 20))
    request = rf.get("/")
    request.user = coordinator
    html = Template("{% load projects %}{% reports_attention %}").render(Context({"request": request}))
    assert "2022/23" in html and "overdue" in html


def test_command_sends_and_reports_counts(project):
    out = StringIO()
    call_command("send_report_reminders", "--today", "2023-06-16", stdout=out)
    # the command speaks the installation's language (Russian)
    assert "просрочено — 1" in out.getvalue()
    call_command("send_report_reminders", "--today", "2023-06-16", stdout=out)
    assert ReportReminder.objects.count() == 1


def test_command_refuses_bad_arguments():
    with pytest.raises(CommandError):
        call_command("send_report_reminders", "--today", "16.06.2023")
    with pytest.raises(CommandError):
        call_command("send_report_reminders", "--days", "-1")


def test_command_as_a_background_job(project, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_report_reminders", "--today", "2023-06-16", "--enqueue", stdout=StringIO())
    job = Job.objects.get(kind="projects.reminders")
    assert job.state == Job.State.SUCCEEDED
    assert job.result["overdue"] == 1
    assert ReportReminder.objects.filter(kind="overdue").count() == 1


def test_closed_projects_are_not_reminded(project):
    project.closed_on = D(2023, 1, 1)
    project.save()
    assert send(D(2023, 6, 16))["overdue"] == 0
    assert report_of(project, "2022/23").state == ReportState.DRAFT
