"""Notifications about contests and applications, through `novator.notifications.services.notify`
(in-app for users, e-mail after the transaction commits; users may switch e-mail off per kind)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from novator.notifications.services import notify as _notify

#: the kinds of `novator.notifications.kinds`
APPLICATION = "contests.application"
RESULTS = "contests.results"


def application_recipients(application: Any) -> list[Any]:
    """The applicant organisation's coordinators (users) and the organisation's own mailbox (a string)."""
    from novator.accounts.models import Role, RoleAssignment

    organization = application.organization
    users: list[Any] = [
        assignment.user
        for assignment in RoleAssignment.objects.filter(
            role=Role.COORDINATOR, organization=organization
        ).select_related("user")
    ]
    if organization.email:
        users.append(organization.email)
    return users


def organiser_recipients(contest: Any) -> list[Any]:
    """The methodologists (users) of the municipality that organises the contest."""
    from novator.accounts.models import Role, RoleAssignment

    return [
        assignment.user
        for assignment in RoleAssignment.objects.filter(
            role=Role.METHODOLOGIST, municipality_id=contest.organiser_municipality_id
        ).select_related("user")
    ]


def notify_application_transition(application: Any, transition: str, reason: str = "") -> None:
    contest = application.contest
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
        "org": application.organization,
        "app": application,
    }
    if reason:
        body += _("Reason: %(reason)s\n") % {"reason": reason}
    url = application.get_absolute_url()
    _notify(application_recipients(application), kind=APPLICATION, subject=subject, body=body, url=url)
    if transition == "submit":
        _notify(organiser_recipients(contest), kind=APPLICATION, subject=subject, body=body, url=url)


def notify(subject: str, body: str, recipients: Any, *, kind: str = RESULTS, url: str = "") -> None:
    """A plain notification (assignments, publication, awards) to users (and organisations' mailboxes)."""
    _notify(recipients, kind=kind, subject=subject, body=body, url=url)
