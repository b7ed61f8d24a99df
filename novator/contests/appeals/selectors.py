"""Reads of appeals."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F, Q, QuerySet

from ..models import Contest
from .models import Appeal, AppealState


def appeal_detail(*, pk: int) -> Appeal:
    return (
        Appeal.objects.select_related(
            "application__contest",
            "application__organization",
            "application__category",
            "submitted_by",
            "decided_by",
        )
        .prefetch_related("files")
        .get(pk=pk)
    )


def contest_appeals(*, contest: Contest) -> QuerySet[Appeal]:
    return (
        Appeal.objects.filter(application__contest=contest)
        .select_related("application__organization", "application__category")
        .order_by("submitted_at", "pk")
    )


def appeal_counts(contest: Contest) -> dict[str, Any]:
    """How many appeals a contest has, by outcome (one query)."""
    figures = Appeal.objects.filter(application__contest=contest).aggregate(
        total=Count("pk"),
        pending=Count("pk", filter=Q(state__in=[AppealState.SUBMITTED, AppealState.UNDER_REVIEW])),
        rejected=Count("pk", filter=Q(state=AppealState.REJECTED)),
        raised=Count("pk", filter=Q(state=AppealState.UPHELD, total_after__gt=F("total_before"))),
        lowered=Count("pk", filter=Q(state=AppealState.UPHELD, total_after__lt=F("total_before"))),
    )
    return {key: int(value or 0) for key, value in figures.items()}
