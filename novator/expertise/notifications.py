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


def expert_invited(invitation: Any) -> None:
    """The invited expert learns who invites them to which commission, and where to answer."""
    contest = invitation.commission.contest
    link = reverse("expertise:my_invitations")
    subject = _("Invitation to the expert commission: %(contest)s") % {"contest": contest.title}
    body = _(
        "You are invited to the expert commission of the contest «%(contest)s» (%(organiser)s).\n"
        "Accept or decline the invitation: %(link)s\n"
    ) % {"contest": contest.title, "organiser": contest.organiser, "link": link}
    if invitation.message:
        body += _("Message: %(message)s\n") % {"message": invitation.message}
    notify(subject, body, [_user(invitation.expert)], kind="expertise.invitation", url=link)


def invitation_answered(invitation: Any, action: str) -> None:
    """The organisers learn the expert's answer; the expert learns of a withdrawal."""
    contest = invitation.commission.contest
    if action == "withdraw":
        subject = _("The invitation to the commission is withdrawn: %(contest)s") % {"contest": contest.title}
        notify(subject, subject + "\n", [_user(invitation.expert)], kind="expertise.invitation")
        return
    if action == "accept":
        subject = _("%(expert)s joined the commission: %(contest)s")
    else:
        subject = _("%(expert)s declined the invitation to the commission: %(contest)s")
    subject = subject % {"expert": invitation.expert, "contest": contest.title}
    recipients = [*organiser_recipients(contest)]
    if invitation.invited_by is not None:
        recipients.append(invitation.invited_by)
    notify(
        subject,
        subject + "\n",
        recipients,
        kind="expertise.invitation",
        url=reverse("expertise:commission", args=[contest.pk]),
    )


def discussion_url(application: Any) -> str:
    return reverse("expertise:discussion", args=[application.pk])


def discussion_comment(application: Any, comment: Any, users: Iterable[Any]) -> None:
    """The other participants of the discussion learn of a new comment (its text is in the e-mail)."""
    users = list(users)
    if not users:
        return
    subject = _("New comment in the discussion of %(app)s") % {"app": application}
    author = comment.author.display_name if comment.author is not None else "—"
    body = _("Contest: %(contest)s\nApplication: %(app)s\n%(author)s wrote:\n\n%(text)s\n") % {
        "contest": application.contest.title,
        "app": application,
        "author": author,
        "text": comment.text,
    }
    notify(subject, body, users, kind="expertise.discussion", url=discussion_url(application))


def sheet_reminder(assignment: Any, kind: str, due_on: Any) -> None:
    """The expert of an unsubmitted sheet: due soon, or overdue (the day after the due date)."""
    application = assignment.application
    values = {"contest": application.contest.title, "due": ddmmyyyy(due_on), "app": application}
    if kind == "overdue":
        subject = _("The scoring sheet is overdue (due %(due)s): %(contest)s") % values
    else:
        subject = _("The scoring sheet is due on %(due)s: %(contest)s") % values
    sheet = getattr(assignment, "sheet", None)
    link = (
        reverse("expertise:sheet", args=[sheet.pk])
        if sheet is not None
        else reverse("expertise:my_assignments")
    )
    body = (
        _("Contest: %(contest)s\nApplication: %(app)s\nDue: %(due)s\nScore it and submit the sheet: ")
        % values
    )
    notify(subject, body + link + "\n", [_user(assignment.expert)], kind="expertise.reminder", url=link)
