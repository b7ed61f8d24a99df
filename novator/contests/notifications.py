"""E-mails about contests and applications, sent after the transaction commits."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils.translation import gettext as _


def _send(subject: str, body: str, recipients: Iterable[str]) -> None:
    to = sorted({r for r in recipients if r})
    if not to:
        return
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in to]
    transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=True))


def application_recipients(application: object) -> list[str]:
    """The applicant organisation's coordinators and its own e-mail."""
    from novator.accounts.models import Role, RoleAssignment

    organization = application.organization  # type: ignore[attr-defined]
    emails = list(
        RoleAssignment.objects.filter(role=Role.COORDINATOR, organization=organization)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    if organization.email:
        emails.append(organization.email)
    return emails


def organiser_recipients(contest: object) -> list[str]:
    from novator.accounts.models import Role, RoleAssignment

    return list(
        RoleAssignment.objects.filter(
            role=Role.METHODOLOGIST,
            municipality_id=contest.organiser_municipality_id,  # type: ignore[attr-defined]
        )
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )


def notify_application_transition(application: object, transition: str, reason: str = "") -> None:
    contest = application.contest  # type: ignore[attr-defined]
    subjects = {
        "submit": _("Application submitted: %(contest)s"),
        "return": _("Application returned for fixes: %(contest)s"),
        "reject": _("Application rejected: %(contest)s"),
        "accept": _("Application passed the formal check: %(contest)s"),
        "withdraw": _("Application withdrawn: %(contest)s"),
    }
    subject = subjects.get(transition)
    if subject is None:
        return
    subject = subject % {"contest": contest.title}
    body = _("Organisation: %(org)s\nApplication: %(app)s\n") % {
        "org": application.organization,  # type: ignore[attr-defined]
        "app": application,
    }
    if reason:
        body += _("Reason: %(reason)s\n") % {"reason": reason}
    _send(subject, body, application_recipients(application))
    if transition == "submit":
        _send(subject, body, organiser_recipients(contest))


def notify(subject: str, body: str, recipients: Iterable[str]) -> None:
    """A plain notification (assignments, publication, awards) sent on commit."""
    _send(subject, body, recipients)
