"""E-mails of the projects app, sent after the transaction commits (never for a rolled-back change)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils.translation import gettext as _

from novator.accounts.models import Role, RoleAssignment


def _send(subject: str, body: str, recipients: Iterable[str]) -> int:
    to = sorted({r for r in recipients if r})
    if not to:
        return 0
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in to]
    transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=True))
    return len(to)


def coordinator_emails(organization_ids: Iterable[int]) -> dict[int, list[str]]:
    """{organisation id: e-mails of its coordinators} in one query."""
    out: dict[int, list[str]] = {}
    rows = (
        RoleAssignment.objects.filter(role=Role.COORDINATOR, organization_id__in=set(organization_ids))
        .exclude(user__email="")
        .values_list("organization_id", "user__email")
    )
    for organization_id, email in rows:
        out.setdefault(organization_id, []).append(email)
    return out


def methodologist_emails(municipality_id: int) -> list[str]:
    return list(
        RoleAssignment.objects.filter(role=Role.METHODOLOGIST, municipality_id=municipality_id)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )


def organization_recipients(organization: Any) -> list[str]:
    emails = coordinator_emails([organization.pk]).get(organization.pk, [])
    if organization.email:
        emails.append(organization.email)
    return emails


def send(subject: str, body: str, recipients: Iterable[str]) -> int:
    return _send(subject, body, recipients)


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
    if name == "submit":
        _send(subject, body, methodologist_emails(project.organization.municipality_id))
    else:
        _send(subject, body, organization_recipients(project.organization))


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
        body += _("Submit it again by %(due)s.\n") % {"due": report.fixes_due_on.strftime("%d.%m.%Y")}
    if name == "submit":
        _send(subject, body, methodologist_emails(project.organization.municipality_id))
    else:
        _send(subject, body, organization_recipients(project.organization))
