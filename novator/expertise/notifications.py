"""Notifications of the expertise, through `novator.notifications.services.notify` (users, not e-mail
strings; an organisation's own mailbox is the one string, added by `application_recipients`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.translation import gettext as _

from novator.contests.notifications import application_recipients, notify, organiser_recipients
from novator.contests.outcomes import application_outcome
from novator.core.dates import ddmmyyyy


def _user(expert: Any) -> Any:
    return expert.user


def assignments_published(contest: Any, assignments: Iterable[Any]) -> None:
    """Each expert gets the list of the applications they are to score."""
    by_expert: dict[Any, list[Any]] = defaultdict(list)
    for assignment in assignments:
        by_expert[assignment.expert].append(assignment.application)
    link = reverse("expertise:my_assignments")
    for expert, applications in by_expert.items():
        subject = _("Applications to score: %(contest)s") % {"contest": contest.title}
        lines = [
            _("You have been assigned %(count)d application(s) of the contest «%(contest)s»:")
            % {"count": len(applications), "contest": contest.title}
        ]
        lines += [f"— {application}" for application in applications]
        lines.append(_("Open «My assignments» to score them."))
        notify(subject, "\n".join(lines) + "\n", [_user(expert)], kind="expertise.assignment", url=link)


def sheet_reopened(sheet: Any, reason: str) -> None:
    assignment = sheet.assignment
    subject = _("Your scoring sheet was reopened: %(contest)s") % {
        "contest": assignment.application.contest.title
    }
    body = _("Application: %(app)s\nReason: %(reason)s\n") % {"app": assignment.application, "reason": reason}
    notify(
        subject,
        body,
        [_user(assignment.expert)],
        kind="expertise.sheet",
        url=reverse("expertise:sheet", args=[sheet.pk]),
    )


def conflict_declared(application: Any, expert: Any, reason: str, assignment_removed: bool) -> None:
    if not assignment_removed:
        return
    contest = application.contest
    subject = _("An expert declared a conflict of interest: %(contest)s") % {"contest": contest.title}
    body = _(
        "Expert: %(expert)s\nApplication: %(app)s\nReason: %(reason)s\n"
        "The assignment was removed; assign another expert."
    ) % {"expert": expert, "app": application, "reason": reason}
    notify(subject, body, organiser_recipients(contest), kind="expertise.assignment")


def _outcome(contest: Any, application: Any) -> str:
    """A status contest awards a status; a professional contest a distinction (winner, laureate…)."""
    from novator.contests.models import ContestKind

    if contest.kind == ContestKind.PROFESSIONAL:
        return str(application.get_distinction_display()) if application.distinction else "—"
    return str(_("awarded") if application.awarded else _("not awarded"))


def results_published(contest: Any, applications: Iterable[Any]) -> None:
    """Every applicant that took part in the expertise learns its total, rank and the outcome."""
    for application in applications:
        subject = _("Results of the contest «%(contest)s»") % {"contest": contest.title}
        body = _("Application: %(app)s\nTotal: %(total)s\nRank: %(rank)s\nOutcome: %(outcome)s\n") % {
            "app": application,
            "total": floatformat(application.total, "-2") if application.total is not None else "—",
            "rank": application.rank or "—",
            "outcome": application_outcome(application) or _outcome(contest, application),
        }
        notify(
            subject,
            body,
            application_recipients(application),
            kind="contests.results",
            url=application.get_absolute_url(),
        )


def status_awarded(application: Any, status: Any) -> None:
    subject = _("Status awarded: %(status)s") % {"status": status.kind}
    body = _(
        "%(org)s is awarded the status «%(status)s» from %(starts)s to %(ends)s "
        "(order № %(number)s of %(date)s).\nProject: %(project)s\n"
    ) % {
        "org": application.organization.full_name,
        "status": status.kind.name,
        "starts": ddmmyyyy(status.starts_on),
        "ends": ddmmyyyy(status.ends_on),
        "number": status.order_number,
        "date": ddmmyyyy(status.order_date) or "—",
        "project": application.project_title,
    }
    notify(
        subject,
        body,
        application_recipients(application),
        kind="contests.results",
        url=application.get_absolute_url(),
    )


def sheets_complete(contest: Any, commission: Any) -> None:
    """All sheets are in: the chair and the secretary learn that the ranking waits for confirmation."""
    recipients = [commission.chair.user if commission.chair else None, commission.secretary]
    subject = _("All scoring sheets are submitted: %(contest)s") % {"contest": contest.title}
    body = _(
        "Every expert has submitted the scoring sheets of the contest «%(contest)s». The ranking waits for "
        "the chair's confirmation on the ranking page.\n"
    ) % {"contest": contest.title}
    notify(
        subject,
        body,
        recipients,
        kind="expertise.assignment",
        url=reverse("expertise:ranking", args=[contest.pk]),
    )
