"""Results of the readiness survey, shown only for groups of at least `MIN_GROUP` respondents.

A group smaller than that shows its size and nothing else. A municipality's figures are computed over
the organisations that are shown themselves: otherwise the municipality's mean minus the shown ones
would give away the small group's answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum

from novator.organizations.models import Municipality

from ..models import LIKERT_MAX, LIKERT_MIN, MIN_GROUP, Scale, SurveyAnswer, SurveyRun


@dataclass
class Scores:
    respondents: int
    #: {scale: mean on the 1–5 scale}; empty when the group is too small to show
    scales: dict[str, Decimal] = field(default_factory=dict)

    @property
    def shown(self) -> bool:
        return self.respondents >= MIN_GROUP

    @property
    def mean(self) -> Decimal | None:
        if not self.scales:
            return None
        return _round(sum(self.scales.values(), Decimal(0)) / len(self.scales))

    @property
    def index(self) -> int | None:
        """Readiness as a percentage: the mean mapped from 1…5 onto 0…100."""
        mean = self.mean
        if mean is None:
            return None
        return int(
            ((mean - LIKERT_MIN) * 100 / (LIKERT_MAX - LIKERT_MIN)).quantize(Decimal(1), ROUND_HALF_UP)
        )

    def scale_rows(self) -> list[tuple[str, str, Decimal | None]]:
        return [(value, str(label), self.scales.get(value)) for value, label in Scale.choices]


def _round(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), ROUND_HALF_UP)


def survey_runs(*, user: Any, academic_year: str = "") -> QuerySet[SurveyRun]:
    qs = SurveyRun.objects.visible_to(user).select_related(
        "organization", "organization__municipality", "questionnaire"
    )
    if academic_year:
        qs = qs.filter(academic_year=academic_year)
    return qs.annotate(respondents=Count("responses")).order_by(
        "-academic_year", "organization__short_name", "id"
    )


def scores_of_runs(run_ids: Iterable[int]) -> dict[int, Scores]:
    """{run id: Scores} in two queries; scales only for runs with at least MIN_GROUP respondents."""
    ids = list(run_ids)
    counts = dict(SurveyRun.objects.filter(pk__in=ids).annotate(n=Count("responses")).values_list("pk", "n"))
    out = {pk: Scores(counts.get(pk, 0)) for pk in ids}
    shown = [pk for pk, n in counts.items() if n >= MIN_GROUP]
    if not shown:
        return out
    rows = (
        SurveyAnswer.objects.filter(response__run_id__in=shown)
        .values("response__run_id", "item__scale", "item__reversed")
        .annotate(total=Sum("value"), n=Count("pk"))
        .order_by()
    )
    sums: dict[tuple[int, str], list[int]] = {}
    for row in rows:
        total, n = row["total"] or 0, row["n"]
        if row["item__reversed"]:
            total = (LIKERT_MIN + LIKERT_MAX) * n - total
        acc = sums.setdefault((row["response__run_id"], row["item__scale"]), [0, 0])
        acc[0] += total
        acc[1] += n
    for (run_id, scale), (total, n) in sums.items():
        if n:
            out[run_id].scales[scale] = _round(Decimal(total) / n)
    return out


def run_scores(run: SurveyRun) -> Scores:
    return scores_of_runs([run.pk])[run.pk]


def _pooled(scores: list[Scores]) -> Scores:
    """The scores of several shown groups together, each respondent counting once."""
    shown = [s for s in scores if s.shown]
    total = sum(s.respondents for s in shown)
    pooled = Scores(total)
    if not shown:
        return pooled
    for value in Scale.values:
        weighted = [(s.scales[value], s.respondents) for s in shown if value in s.scales]
        weight = sum(n for _, n in weighted)
        if weight:
            pooled.scales[value] = _round(sum((m * n for m, n in weighted), Decimal(0)) / weight)
    return pooled


@dataclass
class MunicipalityResults:
    municipality: Municipality
    academic_year: str
    rows: list[tuple[SurveyRun, Scores]]
    total: Scores


def municipality_results(*, municipality: Municipality, academic_year: str) -> MunicipalityResults:
    runs = list(
        SurveyRun.objects.filter(organization__municipality=municipality, academic_year=academic_year)
        .select_related("organization")
        .order_by("organization__short_name", "id")
    )
    scores = scores_of_runs(r.pk for r in runs)
    rows = [(run, scores[run.pk]) for run in runs]
    return MunicipalityResults(municipality, academic_year, rows, _pooled([s for _, s in rows]))


def survey_years() -> list[str]:
    return list(
        dict.fromkeys(SurveyRun.objects.order_by("-academic_year").values_list("academic_year", flat=True))
    )


def readiness_scores(
    *, academic_year: str, organization_ids: Iterable[int] | None = None
) -> dict[int, Scores]:
    """Per-organisation readiness for the monitoring: {organisation id: Scores}, only organisations whose
    survey of that year has at least MIN_GROUP respondents (three queries, whatever the number)."""
    runs = SurveyRun.objects.filter(academic_year=academic_year)
    if organization_ids is not None:
        runs = runs.filter(organization_id__in=list(organization_ids))
    pairs = dict(runs.values_list("pk", "organization_id"))
    scores = scores_of_runs(pairs)
    return {pairs[run_id]: s for run_id, s in scores.items() if s.shown}


def chart_data(rows: list[tuple[str, Scores]]) -> dict[str, Any]:
    """The data of a bar chart of the scales per group (json_script → static/projects/projects.js)."""
    shown = [(name, s) for name, s in rows if s.shown]
    return {
        "names": [name for name, _ in shown],
        "scales": [str(label) for _, label in Scale.choices],
        "series": [
            {"name": str(label), "data": [float(s.scales.get(value, 0)) for _, s in shown]}
            for value, label in Scale.choices
        ],
        "min": LIKERT_MIN,
        "max": LIKERT_MAX,
    }
