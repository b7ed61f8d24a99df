"""Reads of networks: the list with counts, one network with its partners, agreements and plan, and the
methodologist's overview (events planned vs held, partners reached)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from .models import Network, Partnership, PartnerState, PlanItem


def network_list(*, user: Any, municipality: int | None = None, query: str = "") -> QuerySet[Network]:
    qs = Network.objects.visible_to(user).select_related("leader__municipality", "leader_status__kind")
    if municipality:
        qs = qs.filter(leader__municipality=municipality)
    if query.strip():
        qs = qs.filter(Q(topic__icontains=query.strip()) | Q(leader__short_name__icontains=query.strip()))
    return qs.annotate(
        partners_confirmed=Count(
            "partnerships", filter=Q(partnerships__state=PartnerState.CONFIRMED), distinct=True
        ),
        plan_count=Count("plan_items", distinct=True),
    ).order_by("topic", "pk")


def network_detail(*, pk: int, user: Any) -> Network:
    return (
        Network.objects.visible_to(user)
        .select_related("leader__municipality", "leader_status__kind")
        .prefetch_related(
            Prefetch(
                "partnerships",
                queryset=Partnership.objects.select_related("organization__municipality", "agreement"),
            ),
            "agreements",
            Prefetch("plan_items", queryset=PlanItem.objects.select_related("event")),
        )
        .get(pk=pk)
    )


@dataclass
class NetworkActivity:
    network: Network
    planned: int
    held: int
    partners_confirmed: int
    partners_invited: int
    partners_reached: int


def overview(*, municipalities: frozenset[int] | None, academic_year: int) -> list[NetworkActivity]:
    """Per network of the municipalities (None: all) for one academic year: events planned, held (linked
    to an event that has ended), confirmed and invited partners, and partners reached (partner
    organisations whose staff attended the network's events that year)."""
    from novator.events.models import Registration

    now = timezone.now()
    qs = Network.objects.select_related("leader__municipality")
    if municipalities is not None:
        # a network across the border concerns its partners' districts too
        qs = qs.concerning(municipalities)
    qs = qs.annotate(
        planned=Count("plan_items", filter=Q(plan_items__academic_year=academic_year), distinct=True),
        held=Count(
            "plan_items",
            filter=Q(plan_items__academic_year=academic_year, plan_items__event__ends_at__lt=now),
            distinct=True,
        ),
        confirmed=Count("partnerships", filter=Q(partnerships__state=PartnerState.CONFIRMED), distinct=True),
        invited=Count("partnerships", distinct=True),
    ).order_by("leader__municipality__name", "topic")
    networks = list(qs)
    reached_rows = (
        Registration.objects.filter(
            attended_at__isnull=False,
            event__plan_items__network__in=networks,
            event__plan_items__academic_year=academic_year,
            person__organization__partnerships__network=F("event__plan_items__network"),
            person__organization__partnerships__state=PartnerState.CONFIRMED,
        )
        .values("event__plan_items__network")
        .annotate(n=Count("person__organization", distinct=True))
    )
    reached = {row["event__plan_items__network"]: row["n"] for row in reached_rows}
    return [
        NetworkActivity(
            network=n,
            planned=n.planned,  # type: ignore[attr-defined]
            held=n.held,  # type: ignore[attr-defined]
            partners_confirmed=n.confirmed,  # type: ignore[attr-defined]
            partners_invited=n.invited,  # type: ignore[attr-defined]
            partners_reached=reached.get(n.pk, 0),
        )
        for n in networks
    ]
