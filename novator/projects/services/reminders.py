"""Reminders about reports and the consequences of missing ones; run daily (`send_report_reminders`).

- N days before the due date (and on it) the coordinators get a «due soon» reminder;
- the day after the due date (or the date for fixes) an «overdue» reminder;
- a report still missing `missing_after_days` after its due date proposes revoking the status.

Each (report, kind of reminder) is sent once: the `ReportReminder` row is written in the same
transaction as the e-mail is queued (on commit), and its unique constraint stops a second one, however
often and however concurrently the command runs.
"""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from novator.core import audit
from novator.core.dates import ddmmyyyy

from .. import notifications
from ..models import (
    InnovationProject,
    ProjectProposal,
    ProjectReport,
    ProposalKind,
    ProposalState,
    ReminderKind,
    ReportReminder,
    ReportState,
)
from .proposals import proposal_create
from .reports import report_schedule_sync

DAYS_BEFORE = 14
MISSING_AFTER_DAYS = 30


def _subject(kind: str, report: ProjectReport) -> str:
    subjects = {
        ReminderKind.BEFORE: _("The report is due on %(due)s: %(project)s"),
        ReminderKind.OVERDUE: _("The report is overdue (due %(due)s): %(project)s"),
        ReminderKind.FIXES_OVERDUE: _("The revised report is overdue (due %(due)s): %(project)s"),
    }
    return subjects[ReminderKind(kind)] % {
        "due": ddmmyyyy(report.deadline()),
        "project": report.project.title[:150],
    }


def _body(report: ProjectReport, link: str) -> str:
    return _(
        "Organisation: %(org)s\nProject: %(project)s\nReport: %(report)s, %(year)s\nDue: %(due)s\n"
        "Fill it in and submit it: %(link)s\n"
    ) % {
        "org": report.project.organization,
        "project": report.project.title,
        "report": report.get_kind_display(),
        "year": report.academic_year,
        "due": ddmmyyyy(report.deadline()),
        "link": link,
    }


def _remind(report: ProjectReport, kind: str, today: datetime.date, emails: list[str], base_url: str) -> bool:
    """Record and send one reminder; False when it had already been sent."""
    try:
        with transaction.atomic():
            reminder, created = ReportReminder.objects.get_or_create(
                report=report, kind=kind, defaults={"sent_on": today}
            )
            if not created:
                return False
            recipients = list(emails)
            if report.project.organization.email:
                recipients.append(report.project.organization.email)
            reminder.recipients = notifications.send(
                _subject(kind, report),
                _body(report, base_url + report.get_absolute_url()),
                recipients,
                url=report.get_absolute_url(),
            )
            reminder.save(update_fields=["recipients"])
            audit.record(
                actor=None,
                action=f"report.reminder_{kind}",
                obj=report,
                changes={"recipients": [None, reminder.recipients]},
            )
    except IntegrityError:  # another run sent it a moment ago
        return False
    return True


def reminders_send(
    *,
    today: datetime.date | None = None,
    days_before: int = DAYS_BEFORE,
    missing_after_days: int = MISSING_AFTER_DAYS,
    base_url: str = "",
    sync_schedules: bool = True,
    on_step: Any = None,
) -> Counter[str]:
    """Send what is due today; returns the counts of what was done. Safe to run any number of times."""
    today = today or timezone.localdate()
    counts: Counter[str] = Counter()
    if sync_schedules:
        projects = InnovationProject.objects.filter(status_assignment__isnull=False, closed_on__isnull=True)
        for project in projects.only("pk"):
            counts.update(
                {f"schedule_{k}": v for k, v in report_schedule_sync(actor=None, project=project).items()}
            )
    reports = list(
        (
            ProjectReport.objects.due_between(today, today + datetime.timedelta(days=days_before))
            | ProjectReport.objects.overdue(today)
        )
        .filter(project__closed_on__isnull=True)
        .select_related("project", "project__organization", "project__status_assignment")
        .order_by("due_on", "pk")
    )
    sent = set(ReportReminder.objects.filter(report__in=reports).values_list("report_id", "kind"))
    emails = notifications.coordinator_emails(r.project.organization_id for r in reports)
    proposed = set(
        ProjectProposal.objects.filter(
            project__in={r.project_id for r in reports}, kind=ProposalKind.REVOKE, state=ProposalState.OPEN
        ).values_list("project_id", flat=True)
    )
    for report in reports:
        if report.is_overdue_on(today):
            kind = (
                ReminderKind.FIXES_OVERDUE if report.state == ReportState.RETURNED else ReminderKind.OVERDUE
            )
        else:
            kind = ReminderKind.BEFORE
        if (report.pk, kind.value) not in sent and _remind(
            report, kind, today, emails.get(report.project.organization_id, []), base_url
        ):
            counts[kind.value] += 1
        status = report.project.status_assignment
        if (
            report.state == ReportState.DRAFT
            and report.due_on < today - datetime.timedelta(days=missing_after_days)
            and status is not None
            and not status.revoked_on
            and report.project_id not in proposed
        ):
            proposal_create(
                actor=None,
                project=report.project,
                kind=ProposalKind.REVOKE,
                report=report,
                grounds=_("The %(report)s for %(year)s was not submitted: it was due on %(due)s.")
                % {
                    "report": report.get_kind_display().lower(),
                    "year": report.academic_year,
                    "due": ddmmyyyy(report.due_on),
                },
            )
            proposed.add(report.project_id)
            counts["proposals"] += 1
        if on_step is not None:
            on_step()
    counts["checked"] = len(reports)
    return counts
