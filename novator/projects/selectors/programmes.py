"""Reads of programmes with their measured results and progress (a constant number of queries)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from novator.accounts.scope import get_scope

from .. import metrics
from ..models import Programme, ProgrammeResult, ProgrammeStage
from ..progress import percent, result_fraction, weighted_mean


@dataclass
class ResultView:
    result: ProgrammeResult
    measurement: metrics.Measurement
    fraction: Decimal

    @property
    def actual(self) -> Decimal | None:
        return self.measurement.value

    @property
    def percent(self) -> int:
        return percent(self.fraction) or 0

    @property
    def source_label(self) -> str:
        source = metrics.get(self.result.source) if self.result.source else None
        return str(source.label) if source else ""


@dataclass
class StageView:
    stage: ProgrammeStage
    results: list[ResultView] = field(default_factory=list)
    fraction: Decimal | None = None

    @property
    def percent(self) -> int | None:
        return percent(self.fraction)

    @property
    def phase(self) -> str:
        """complete, current or future: the stage's marker on the timeline."""
        if self.percent == 100:
            return "complete"
        try:
            starts = self.stage.year.starts
        except ValueError:
            return "current"
        return "future" if starts > timezone.localdate() else "current"


@dataclass
class Timeline:
    programme: Programme
    stages: list[StageView]
    fraction: Decimal | None

    @property
    def percent(self) -> int | None:
        return percent(self.fraction)


def programme_list(*, user: Any) -> QuerySet[Programme]:
    """Published programmes, and the drafts of those the user runs; newest first."""
    scope = get_scope(user)
    qs = Programme.objects.select_related("municipality", "organizer", "status_kind")
    if not scope.is_admin:
        qs = qs.filter(Q(is_published=True) | Q(municipality_id__in=scope.methodologist_municipalities))
    return qs.order_by("-starts_on", "-id")


def _with_stages(qs: QuerySet[Programme]) -> QuerySet[Programme]:
    results = ProgrammeResult.objects.order_by("position", "id")
    stages = ProgrammeStage.objects.order_by("number", "id").prefetch_related(
        Prefetch("results", queryset=results)
    )
    return qs.prefetch_related(Prefetch("stages", queryset=stages))


def programme_list_with_stages(*, user: Any) -> QuerySet[Programme]:
    return _with_stages(programme_list(user=user))


def programme_detail(*, pk: int) -> Programme:
    """Raises Programme.DoesNotExist."""
    return _with_stages(Programme.objects.select_related("municipality", "organizer", "status_kind")).get(
        pk=pk
    )


def timelines(programmes: Sequence[Programme]) -> list[Timeline]:
    """Measure every result of the programmes (one call per metric source for all of them) and roll the
    progress up. The programmes must come with their stages and results prefetched."""
    all_results: list[ProgrammeResult] = []
    for programme in programmes:
        for stage in programme.stages.all():
            for result in stage.results.all():
                result.stage = stage  # the sources read the stage and its programme without queries
                stage.programme = programme
                all_results.append(result)
    measured = metrics.measure_results(all_results)
    out = []
    for programme in programmes:
        stage_views = []
        for stage in programme.stages.all():
            views = []
            for result in stage.results.all():
                measurement = measured.get(result.pk, metrics.Measurement(None))
                fraction = result_fraction(result.planned_value, measurement.value)
                views.append(ResultView(result, measurement, fraction))
            stage_fraction = weighted_mean((v.result.weight, v.fraction) for v in views)
            stage_views.append(StageView(stage, views, stage_fraction))
        programme_fraction = weighted_mean((s.stage.weight, s.fraction) for s in stage_views)
        out.append(Timeline(programme, stage_views, programme_fraction))
    return out


def timeline(programme: Programme) -> Timeline:
    return timelines([programme])[0]
