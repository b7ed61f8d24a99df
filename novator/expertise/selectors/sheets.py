"""The expert's pages and the applicant's view of the conclusions."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from novator.contests import scoring
from novator.contests.models import Application, Criterion

from ..models import Assignment, Score, ScoreSheet
from ._common import SUBMITTED, contest_criteria, criterion_specs
from .deliberation import due_expression


def expert_assignments(user: Any) -> QuerySet[Assignment]:
    """The expert's published, conflict-free assignments, newest contest first; `due` is the sheet's due
    date (`deliberation.due_expression`; None when none is set)."""
    return (
        Assignment.objects.for_expert(user)
        .select_related(
            "application__contest", "application__organization", "application__category", "sheet", "round"
        )
        .annotate(due=due_expression())
        .order_by("-application__contest__opens_at", "application__contest_id", "application__number", "pk")
    )


def sheet_detail(user: Any, pk: int) -> ScoreSheet:
    """A sheet the user may see (raises ScoreSheet.DoesNotExist otherwise)."""
    return (
        ScoreSheet.objects.visible_to(user)
        .select_related(
            "assignment__application__contest__commission",
            "assignment__application__organization",
            "assignment__application__category",
            "assignment__expert__user",
        )
        .get(pk=pk)
    )


def sheet_scores(sheet: ScoreSheet) -> dict[int, Score]:
    return {s.criterion_id: s for s in Score.objects.filter(sheet=sheet)}


@dataclass
class Conclusion:
    label: str
    sheet: ScoreSheet
    total: Decimal
    scores: list[tuple[Criterion, Score | None]]


def application_conclusions(application: Application) -> list[Conclusion]:
    """Submitted sheets of the application, anonymised «Expert 1, 2…» unless the contest shows names."""
    from django.utils.translation import gettext as _

    contest = application.contest
    criteria = contest_criteria(contest)
    sheets = list(
        ScoreSheet.objects.filter(assignment__application=application, state=SUBMITTED)
        .select_related("assignment__expert__user")
        .prefetch_related("scores")
        .order_by("assignment_id")
    )
    specs = criterion_specs(criteria)
    result = []
    for number, sheet in enumerate(sheets, start=1):
        by_criterion = {s.criterion_id: s for s in sheet.scores.all()}
        label = (
            sheet.assignment.expert.user.display_name
            if contest.show_expert_names
            else _("Expert %(n)d") % {"n": number}
        )
        total = scoring.sheet_total(
            {cid: s.points for cid, s in by_criterion.items() if s.points is not None}, specs
        )
        result.append(
            Conclusion(
                label=label, sheet=sheet, total=total, scores=[(c, by_criterion.get(c.pk)) for c in criteria]
            )
        )
    return result
