"""Metric sources: how the actual value of a programme result is measured from what the system holds.

A source is registered under a string key and measures many results at once (one or two queries per
source, whatever the number of results), so a programme page or the API list costs the same number of
queries however many results it shows. Later apps (events, the library) register their own sources in
their `AppConfig.ready()`; the result keeps the key and the target's id or code, so no model changes:

    from novator.projects import metrics
    metrics.register(metrics.MetricSource(key="events.participants", label=_("Participants of an event"),
                     target_label=_("Event"), choices=event_choices, measure=measure_participants))
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from .models import ProgrammeResult, ProgrammeStage


@dataclass(frozen=True)
class Measurement:
    value: Decimal | None
    label: str = ""  # what was measured, e.g. the contest's title
    url: str = ""


@dataclass(frozen=True)
class MetricSource:
    key: str
    label: str | Promise
    target_label: str | Promise
    #: (value, label) pairs of what a result of this stage may measure (for the form)
    choices: Callable[[ProgrammeStage], list[tuple[str, str]]]
    #: {result id: Measurement} for the results (their stage and programme are joined)
    measure: Callable[[Sequence[ProgrammeResult]], dict[int, Measurement]]
    unit: str | Promise = ""


_REGISTRY: dict[str, MetricSource] = {}


def register(source: MetricSource) -> None:
    _REGISTRY[source.key] = source


def get(key: str) -> MetricSource | None:
    return _REGISTRY.get(key)


def sources() -> list[MetricSource]:
    return list(_REGISTRY.values())


def measure_results(results: Sequence[ProgrammeResult]) -> dict[int, Measurement]:
    """Measure every result: typed ones from their actual value, the others by their source (one call
    per source). A result whose source is no longer registered is reported as unmeasured."""
    measured: dict[int, Measurement] = {}
    by_source: dict[str, list[ProgrammeResult]] = {}
    for result in results:
        if result.source:
            by_source.setdefault(result.source, []).append(result)
        else:
            measured[result.pk] = Measurement(result.actual_value)
    for key, group in by_source.items():
        source = get(key)
        values = source.measure(group) if source is not None else {}
        for result in group:
            measured[result.pk] = values.get(result.pk, Measurement(None))
    return measured


def _int_target(result: ProgrammeResult) -> int | None:
    return int(result.target) if result.target.isdigit() else None


# ---------------------------------------------------------------------------------------------------
# Contests: applications and winners


def _contest_choices(stage: ProgrammeStage) -> list[tuple[str, str]]:
    from novator.contests.models import Contest

    contests = Contest.objects.filter(academic_year=stage.academic_year).order_by("title", "id")
    return [(str(c.pk), f"{c.title} ({c.academic_year})") for c in contests]


def _contest_measure(kind: str) -> Callable[[Sequence[ProgrammeResult]], dict[int, Measurement]]:
    def measure(results: Sequence[ProgrammeResult]) -> dict[int, Measurement]:
        from novator.contests.models import Contest

        ids = {i for i in (_int_target(r) for r in results) if i is not None}
        if kind == "winners":
            count = Count("applications", filter=Q(applications__awarded=True))
        else:
            count = Count("applications", filter=~Q(applications__state__in=["draft", "withdrawn"]))
        contests = {c.pk: c for c in Contest.objects.filter(pk__in=ids).annotate(n=count)}
        out = {}
        for result in results:
            contest: Any = contests.get(_int_target(result) or 0)
            if contest is not None:
                out[result.pk] = Measurement(Decimal(contest.n), contest.title, contest.get_absolute_url())
        return out

    return measure


# ---------------------------------------------------------------------------------------------------
# Statuses of a kind awarded in the stage's academic year in the programme's municipality


def _status_choices(stage: ProgrammeStage) -> list[tuple[str, str]]:
    from novator.statuses.selectors import status_kind_list

    return [(k.code, f"{k.abbreviation} — {k.name}") for k in status_kind_list()]


def _status_measure(results: Sequence[ProgrammeResult]) -> dict[int, Measurement]:
    from novator.statuses.models import StatusAssignment, StatusKind

    wanted: dict[str, Q] = {}
    keys: dict[int, str] = {}
    for result in results:
        year = result.stage.year
        municipality_id = result.stage.programme.municipality_id
        key = f"k_{result.target}_{year.start_year}_{municipality_id}"
        key = "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in key)
        wanted[key] = Q(
            kind__code=result.target,
            starts_on__gte=year.starts,
            starts_on__lte=year.ends,
            organization__municipality_id=municipality_id,
        )
        keys[result.pk] = key
    if not wanted:
        return {}
    counts = StatusAssignment.objects.aggregate(**{k: Count("pk", filter=q) for k, q in wanted.items()})
    names = dict(
        StatusKind.objects.filter(code__in={r.target for r in results}).values_list("code", "abbreviation")
    )
    return {
        result.pk: Measurement(
            Decimal(counts[keys[result.pk]] or 0),
            _("%(kind)s awarded in %(year)s")
            % {"kind": names.get(result.target, result.target), "year": result.stage.academic_year},
        )
        for result in results
        if result.target in names
    }


register(
    MetricSource(
        key="contest.applications",
        label=_("Applications to a contest"),
        target_label=_("Contest"),
        choices=_contest_choices,
        measure=_contest_measure("applications"),
        unit=_("applications"),
    )
)
register(
    MetricSource(
        key="contest.winners",
        label=_("Winners of a contest"),
        target_label=_("Contest"),
        choices=_contest_choices,
        measure=_contest_measure("winners"),
        unit=_("winners"),
    )
)
register(
    MetricSource(
        key="statuses.awarded",
        label=_("Statuses awarded in the stage's academic year"),
        target_label=_("Status"),
        choices=_status_choices,
        measure=_status_measure,
        unit=_("statuses"),
    )
)
