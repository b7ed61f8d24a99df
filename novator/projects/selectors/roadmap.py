"""Where organisations stand on the management roadmap: detected steps and hand-made marks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from novator.accounts.scope import get_scope
from novator.organizations.models import Organization

from ..models import RoadmapMark
from ..progress import percent
from ..roadmap import STEPS, Step, detect


@dataclass
class StepState:
    step: Step
    evidence: list[str]
    mark: RoadmapMark | None

    @property
    def done(self) -> bool:
        return bool(self.evidence) or self.mark is not None

    @property
    def detected(self) -> bool:
        return bool(self.evidence)


@dataclass
class Roadmap:
    organization: Organization
    steps: list[StepState]

    @property
    def done_count(self) -> int:
        return sum(1 for s in self.steps if s.done)

    @property
    def percent(self) -> int:
        from decimal import Decimal

        return percent(Decimal(self.done_count) / len(self.steps)) or 0

    @property
    def current(self) -> StepState | None:
        """The first step not done yet: where the organisation stands."""
        return next((s for s in self.steps if not s.done), None)


def roadmaps(organizations: Sequence[Organization]) -> list[Roadmap]:
    """The roadmap of each organisation: one query for the marks and one per detector."""
    ids = [o.pk for o in organizations]
    found = detect(ids)
    marks: dict[tuple[int, str], RoadmapMark] = {
        (m.organization_id, m.step): m
        for m in RoadmapMark.objects.filter(organization_id__in=ids).select_related("marked_by")
    }
    return [
        Roadmap(
            organization,
            [
                StepState(
                    step,
                    found.get(organization.pk, {}).get(step.key, []),
                    marks.get((organization.pk, step.key)),
                )
                for step in STEPS
            ],
        )
        for organization in organizations
    ]


def roadmap_for(organization: Organization) -> Roadmap:
    return roadmaps([organization])[0]


def overview_organizations(*, user: Any, municipality_id: int | None = None) -> QuerySet[Organization]:
    """Active organisations of the municipalities the user oversees (a methodologist's or an observer's)."""
    scope = get_scope(user)
    qs = Organization.objects.filter(is_active=True).select_related("municipality")
    if not scope.is_admin:
        qs = qs.filter(
            municipality_id__in=scope.methodologist_municipalities | scope.observer_municipalities
        ) | qs.filter(municipality__region_id__in=scope.observer_regions)
    if municipality_id is not None:
        qs = qs.filter(municipality_id=municipality_id)
    return qs.order_by("municipality__name", "short_name", "id")
