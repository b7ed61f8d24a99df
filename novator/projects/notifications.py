"""Notifications of the projects app, through `novator.notifications.notify`: an in-app notification for
each user (coordinators, methodologists) and e-mail to those who want it and to the organisation's own
mailbox, sent after the transaction commits (never for a rolled-back change)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from novator.accounts.models import Role, RoleAssignment, User
from novator.core.dates import ddmmyyyy
from novator.notifications.services import notify

#: Kinds (see novator/notifications/kinds.py)
KIND_PASSPORT = "projects.passport"
KIND_REPORT = "projects.report"
KIND_REMINDER = "projects.reminder"


def _count(recipients: list[Any]) -> int:
    """How many e-mail addresses the recipients have (users with an address and plain addresses)."""
    addresses = {r if isinstance(r, str) else getattr(r, "email", "") for r in recipients}
    return len({a for a in addresses if a})


def _send(subject: str, body: str, recipients: Iterable[Any], *, kind: str, url: str = "") -> int:
    to = [r for r in recipients if r]
    if not to:
        return 0
    notify(to, kind=kind, subject=subject, body=body, url=url)
    return _count(to)


def coordinator_recipients(organization_ids: Iterable[int]) -> dict[int, list[Any]]:
    """{organisation id: its coordinators (users)} in one query."""
    out: dict[int, list[Any]] = {}
    rows = RoleAssignment.objects.filter(
        role=Role.COORDINATOR, organization_id__in=set(organization_ids)
    ).select_related("user")
    for row in rows:
        out.setdefault(row.organization_id, []).append(row.user)  # type: ignore[arg-type]
    return out


def coordinator_emails(organization_ids: Iterable[int]) -> dict[int, list[Any]]:
    """Kept for callers: the coordinators (users; `send` e-mails those who want it)."""
    return coordinator_recipients(organization_ids)


def methodologists(municipality_id: int) -> list[User]:
    return [
        ra.user
        for ra in RoleAssignment.objects.filter(
            role=Role.METHODOLOGIST, municipality_id=municipality_id
        ).select_related("user")
    ]


def organization_recipients(organization: Any) -> list[Any]:
    recipients: list[Any] = list(coordinator_recipients([organization.pk]).get(organization.pk, []))
    if organization.email:
        recipients.append(organization.email)
    return recipients


def send(
    subject: str, body: str, recipients: Iterable[Any], *, kind: str = KIND_REMINDER, url: str = ""
) -> int:
    """Notify users and e-mail plain addresses; returns the number of e-mail addresses."""
    return _send(subject, body, recipients, kind=kind, url=url)


def version_transition(project: Any, version: Any, name: str, reason: str) -> None:
    subjects = {
        "submit": _("Project passport submitted for approval: %(project)s"),
        "approve": _("Project passport approved: %(project)s"),
        "return": _("Project passport returned for revision: %(project)s"),
    }
    subject = subjects[name] % {"project": project.title[:150]}
    body = _("Organisation: %(org)s\nProject: %(project)s\nVersion: %(version)s\n") % {
        "org": project.organization,
        "project": project.title,
        "version": version.number,
    }
    if reason:
        body += _("Comment: %(reason)s\n") % {"reason": reason}
    url = project.get_absolute_url()
    if name == "submit":
        recipients = methodologists(project.organization.municipality_id)
    else:
        recipients = organization_recipients(project.organization)
    _send(subject, body, recipients, kind=KIND_PASSPORT, url=url)


def report_transition(report: Any, name: str, reason: str) -> None:
    project = report.project
    subjects = {
        "submit": _("Report submitted: %(project)s, %(year)s"),
        "accept": _("Report accepted: %(project)s, %(year)s"),
        "return": _("Report returned for revision: %(project)s, %(year)s"),
        "reject": _("Report rejected: %(project)s, %(year)s"),
    }
    subject = subjects[name] % {"project": project.title[:150], "year": report.academic_year}
    body = _("Organisation: %(org)s\nProject: %(project)s\nReport: %(report)s\n") % {
        "org": project.organization,
        "project": project.title,
        "report": f"{report.get_kind_display()} {report.academic_year}",
    }
    if reason:
        body += _("Comment: %(reason)s\n") % {"reason": reason}
    if report.fixes_due_on and name == "return":
        body += _("Submit it again by %(due)s.\n") % {"due": ddmmyyyy(report.fixes_due_on)}
    url = report.get_absolute_url()
    if name == "submit":
        recipients = methodologists(project.organization.municipality_id)
    else:
        recipients = organization_recipients(project.organization)
    _send(subject, body, recipients, kind=KIND_REPORT, url=url)
