"""Shared reads of the expertise selectors."""

from __future__ import annotations

from django.db.models import QuerySet

from novator.contests import scoring
from novator.contests.models import Application, ApplicationState, Contest, Criterion

from ..models import Commission, Expert, Meeting, ScoreSheet

SUBMITTED = ScoreSheet.State.SUBMITTED


def commission_for(contest: Contest) -> Commission | None:
    return (
        Commission.objects.select_related("chair__user", "secretary", "contest")
        .filter(contest=contest)
        .first()
    )


def accepted_applications(contest: Contest) -> QuerySet[Application]:
    return (
        Application.objects.filter(contest=contest, state=ApplicationState.ACCEPTED)
        .select_related("organization__municipality", "category")
        .order_by("number", "pk")
    )


def expert_choices() -> QuerySet[Expert]:
    return Expert.objects.select_related("user", "organization", "municipality").order_by(
        "user__last_name", "user__first_name", "pk"
    )


def criterion_specs(criteria: list[Criterion]) -> list[scoring.CriterionSpec]:
    return [scoring.CriterionSpec(c.pk, c.position, c.max_points, c.weight) for c in criteria]


def contest_criteria(contest: Contest) -> list[Criterion]:
    return list(Criterion.objects.filter(contest=contest).order_by("position", "pk"))


def meeting_of(commission: Commission | None) -> Meeting | None:
    """The recorded meeting of the commission with its agenda items and the members present."""
    if commission is None:
        return None
    return (
        Meeting.objects.filter(commission=commission)
        .prefetch_related("items", "present__expert__user", "present__expert__organization")
        .first()
    )
