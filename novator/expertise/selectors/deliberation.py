"""Reads of the deadlines and the deliberation: who is late, the discussion of an application, the
commission's decision on it. Each in a constant number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from novator.contests.models import Application, ApplicationState, Contest, ContestState, RoundState

from ..models import Assignment, Deliberation, DiscussionComment, Expert, ScoreSheet


def due_expression() -> Coalesce:
    """The due date of an assignment's sheet: its own, else its round's last day, else the commission's."""
    return Coalesce("due_on", "round__ends_on", F("application__contest__commission__review_due_on"))


def open_sheets() -> QuerySet[Assignment]:
    """Assignments whose sheet is not submitted and that have a due date (`due`), in a running expertise:
    published status-contest assignments, and the sheets of a round being scored."""
    contest = "application__contest__"
    return (
        Assignment.objects.filter(application__state=ApplicationState.ACCEPTED)
        .exclude(sheet__state=ScoreSheet.State.SUBMITTED)
        .filter(
            Q(
                round__isnull=True,
                **{
                    f"{contest}state": ContestState.EXPERTISE,
                    f"{contest}commission__assignments_published_at__isnull": False,
                    f"{contest}commission__review_due_on__isnull": False,
                },
            )
            | Q(round__state=RoundState.SCORING)
        )
        .annotate(due=due_expression())
    )


@dataclass
class LateExpert:
    expert: Expert
    applications: list[Application] = field(default_factory=list)
    due: datetime.date | None = None

    @property
    def days(self) -> int:
        """Days past the earliest due date."""
        return (timezone.localdate() - self.due).days if self.due else 0


def late_experts(contest: Contest, today: datetime.date | None = None) -> list[LateExpert]:
    """The experts with unsubmitted sheets of the contest past their due date, most overdue first
    (one query)."""
    today = today or timezone.localdate()
    rows = (
        open_sheets()  # type: ignore[misc]  # `due` is annotated by open_sheets
        .filter(application__contest=contest, due__lt=today)
        .select_related("expert__user", "application__organization")
        .order_by("due", "expert_id", "application__number", "pk")
    )
    result: dict[int, LateExpert] = {}
    for assignment in rows:
        entry = result.setdefault(assignment.expert_id, LateExpert(expert=assignment.expert))
        entry.applications.append(assignment.application)
        due = assignment.due  # type: ignore[attr-defined]
        if entry.due is None or due < entry.due:
            entry.due = due
    return sorted(result.values(), key=lambda e: (e.due or today, str(e.expert)))


def discussion_comments(application: Application) -> QuerySet[DiscussionComment]:
    return (
        DiscussionComment.objects.filter(application=application)
        .select_related("author")
        .order_by("created_at", "pk")
    )


def deliberation_for(application: Application) -> Deliberation | None:
    return Deliberation.objects.filter(application=application).select_related("conclusion_by").first()


def conclusions_for_minutes(contest: Contest) -> dict[int, str]:
    """{application id: the consolidated conclusion} of the contest's applications that have one."""
    return dict(
        Deliberation.objects.filter(application__contest=contest)
        .exclude(conclusion="")
        .values_list("application_id", "conclusion")
    )


def application_spread(contest: Contest, application: Application) -> Any:
    """The spread of the application's totals from the contest's ranking (None when not ranked)."""
    from ..ranking import contest_ranking

    for row in contest_ranking(contest).rows:
        if row.application.pk == application.pk:
            return row.spread
    return None
