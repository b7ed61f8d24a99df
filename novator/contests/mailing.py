"""Who a methodologist's group mail to a contest's applicants reaches.

Registered with `notifications.mailing` in `apps.ready`, so that notifications never imports this app."""

from __future__ import annotations

from typing import Any

from novator.notifications.mailing import GroupKind, Recipient, coordinators, model_loader


def contest_recipients(contest: Any) -> list[Recipient]:
    from novator.contests.models import ApplicationState

    applied = contest.applications.exclude(
        state__in=(ApplicationState.DRAFT, ApplicationState.WITHDRAWN)
    ).values("organization_id")
    return coordinators(applied)


GROUP = GroupKind(
    "contest",
    model_loader("contests.Contest"),
    "contests.manage_contest",
    lambda c: c.title,
    contest_recipients,
)
