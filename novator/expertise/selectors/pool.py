"""The region's shared pool of experts: search, the load of each expert across the contests of the year,
and the invitations to commissions (each in a constant number of queries)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, TextField
from django.db.models.functions import Cast

from novator.accounts.scope import get_scope
from novator.organizations.models import Municipality

from ..models import Assignment, CommissionInvitation, Expert, InvitationState, ScoreSheet


@dataclass(frozen=True)
class Load:
    """An expert's work in the contests of one academic year."""

    contests: int = 0
    assigned: int = 0
    #: assigned applications whose sheet is not submitted yet
    due: int = 0


NO_LOAD = Load()


def pool_regions(user: Any) -> QuerySet[Any] | None:
    """The ids of the regions whose experts the user finds (None: every region, for administrators)."""
    scope = get_scope(user)
    if scope.is_admin:
        return None
    return Municipality.objects.filter(pk__in=scope.methodologist_municipalities).values("region_id")


def _text_variants(query: str) -> list[str]:
    """The query as JSON text stores it (SQLite keeps non-ASCII letters as \\u escapes, case included)."""
    variants = {query, query.lower(), query.capitalize(), query.upper()}
    return [json.dumps(v)[1:-1] for v in variants]


def expert_pool(user: Any, *, query: str = "", municipality: int | None = None) -> QuerySet[Expert]:
    """The experts of the user's regions (every expert for administrators), found by name, subject
    (topics, bio) or organisation, and by municipality; ordered by name."""
    qs = Expert.objects.select_related("user", "organization", "municipality__region")
    regions = pool_regions(user)
    if regions is not None:
        qs = qs.filter(
            Q(municipality__region__in=regions)
            | Q(municipality__isnull=True, organization__municipality__region__in=regions)
        )
    if municipality:
        qs = qs.filter(
            Q(municipality_id=municipality)
            | Q(municipality__isnull=True, organization__municipality=municipality)
        )
    query = " ".join((query or "").split())[:100]
    if query:
        qs = qs.annotate(topics_text=Cast("topics", TextField()))
        found = Q()
        for word in query.split():
            topics = Q(topics_text__icontains=word)
            for variant in _text_variants(word):
                topics |= Q(topics_text__contains=variant)
            found &= (
                Q(user__last_name__icontains=word)
                | Q(user__first_name__icontains=word)
                | Q(user__middle_name__icontains=word)
                | Q(bio__icontains=word)
                | Q(organization__short_name__icontains=word)
                | topics
            )
        qs = qs.filter(found)
    return qs.order_by("user__last_name", "user__first_name", "pk")


def expert_loads(expert_ids: Any, academic_year: str) -> dict[int, Load]:
    """{expert id: Load} over every contest of the academic year (one query; experts without work are
    left out — read with `.get(pk, NO_LOAD)`)."""
    ids = list(expert_ids)
    if not ids:
        return {}
    rows = (
        Assignment.objects.filter(expert_id__in=ids, application__contest__academic_year=academic_year)
        .values("expert_id")
        .annotate(
            contests=Count("application__contest_id", distinct=True),
            assigned=Count("pk"),
            due=Count("pk", filter=~Q(sheet__state=ScoreSheet.State.SUBMITTED) | Q(sheet__isnull=True)),
        )
        .order_by()
    )
    return {r["expert_id"]: Load(contests=r["contests"], assigned=r["assigned"], due=r["due"]) for r in rows}


def pending_invitations(commission: Any) -> list[CommissionInvitation]:
    """The commission's invitations awaiting an answer (one query)."""
    if commission is None:
        return []
    return list(
        commission.invitations.filter(state=InvitationState.PENDING)
        .select_related("expert__user", "expert__municipality", "invited_by")
        .order_by("created_at", "pk")
    )


def expert_invitations(user: Any) -> QuerySet[CommissionInvitation]:
    """The invitations of the user's expert profile, pending first, newest first."""
    pk = getattr(user, "pk", None)
    if pk is None:
        return CommissionInvitation.objects.none()
    return (
        CommissionInvitation.objects.filter(expert__user_id=pk)
        .select_related(
            "commission__contest__organiser_municipality",
            "commission__contest__organiser_region",
            "invited_by",
        )
        .order_by("-created_at", "-pk")
    )
