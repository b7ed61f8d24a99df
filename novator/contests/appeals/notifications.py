"""Notifications about appeals (`notify()`: in-app, and e-mail after the commit)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse
from django.utils.translation import gettext as _

from novator.notifications.services import notify

from ..notifications import application_recipients, organiser_recipients

KIND = "contests.appeal"


def _reviewers(contest: Any) -> list[Any]:
    """The organisers and the commission's chair (the expertise app's commission, when there is one)."""
    people = organiser_recipients(contest)
    try:
        chair = contest.commission.chair
    except (AttributeError, ObjectDoesNotExist):
        chair = None
    if chair is not None:
        people.append(chair.user)
    return people


def appeal_submitted(appeal: Any) -> None:
    application = appeal.application
    contest = application.contest
    notify(
        _reviewers(contest),
        kind=KIND,
        subject=_("Appeal filed: %(contest)s") % {"contest": contest.title},
        body=_("%(org)s appeals against the result of application %(app)s.\n\n%(reasons)s")
        % {"org": application.organization, "app": application, "reasons": appeal.reasons},
        url=reverse("contests:appeal_detail", args=[appeal.pk]),
    )


def appeal_decided(appeal: Any) -> None:
    application = appeal.application
    contest = application.contest
    if appeal.state == "upheld":
        body = _("The appeal is upheld: the total is now %(after)s (was %(before)s).") % {
            "after": appeal.total_after,
            "before": appeal.total_before if appeal.total_before is not None else "—",
        }
    else:
        body = _("The appeal is rejected; the result stays as published.")
    notify(
        application_recipients(application),
        kind=KIND,
        subject=_("Decision on the appeal: %(contest)s") % {"contest": contest.title},
        body=f"{body}\n\n{_('Justification')}: {appeal.justification}",
        url=reverse("contests:appeal_detail", args=[appeal.pk]),
    )
