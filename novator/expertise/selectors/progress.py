"""How far a contest's scoring is: for the contest's stage guide (`contests.stages`, two queries), and the
rankings that wait for the chair's confirmation (the chair's and the secretary's home page)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Count, Q

from novator.contests.models import Contest, ContestState
from novator.contests.stages import ExpertiseProgress

from ..models import Assignment, Commission, ScoreSheet


def expertise_progress(contest: Contest) -> ExpertiseProgress:
    commission = (
        Commission.objects.filter(contest=contest)
        .select_related("chair")
        .only("assignments_published_at", "secretary_id", "chair__user_id")
        .first()
    )
    if commission is None:
        return ExpertiseProgress()
    counts = Assignment.objects.filter(application__contest=contest).aggregate(
        assigned=Count("id"), submitted=Count("id", filter=Q(sheet__state=ScoreSheet.State.SUBMITTED))
    )
    return ExpertiseProgress(
        assigned=counts["assigned"] or 0,
        submitted=counts["submitted"] or 0,
        published=commission.assignments_published_at is not None,
        chair_user_id=commission.chair.user_id if commission.chair else None,
        secretary_user_id=commission.secretary_id,
    )


def rankings_awaiting_confirmation(user: Any) -> list[Contest]:
    """Contests in expertise whose every published sheet is submitted, chaired by `user` or with `user` as
    the commission's secretary: the ranking waits for the chair's confirmation (one query)."""
    if not getattr(user, "is_authenticated", False):
        return []
    commissions = (
        Commission.objects.filter(
            Q(chair__user=user) | Q(secretary=user),
            contest__state=ContestState.EXPERTISE,
            assignments_published_at__isnull=False,
        )
        .annotate(
            assigned=Count("contest__applications__assignments"),
            submitted=Count(
                "contest__applications__assignments",
                filter=Q(contest__applications__assignments__sheet__state=ScoreSheet.State.SUBMITTED),
            ),
        )
        .filter(assigned__gt=0, submitted__gte=models.F("assigned"))
        .select_related("contest")
        .order_by("contest__closes_at", "contest_id")
    )
    return [c.contest for c in commissions]


def all_sheets_submitted(contest: Contest) -> bool:
    """Every assignment of the contest has a submitted sheet (and there is at least one)."""
    assignments = Assignment.objects.filter(application__contest=contest)
    return assignments.exists() and not assignments.exclude(sheet__state=ScoreSheet.State.SUBMITTED).exists()
