"""The ranking, the calibration and the agreement figures computed on columns (numpy) give the results of
the straightforward per-object code they replaced, kept here as the reference, on randomized inputs."""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pytest

from novator.contests import scoring
from novator.contests.scoring import (
    CriterionSpec,
    RankedRow,
    SheetScores,
    competition_ranks,
    mean,
    ordered_criteria,
    sheet_total,
)
from novator.expertise import agreement, calibration
from novator.expertise.ranking.compute import _cents
from novator.expertise.sheet_columns import Sheets

from .ranking import ApplicationScores, rank_category

D = Decimal
FAR_FUTURE = datetime.datetime.max.replace(tzinfo=datetime.UTC)


# --- the references: the former code --------------------------------------------------------------------


def reference_rank_category(
    applications: Iterable[ApplicationScores],
    criteria: Iterable[CriterionSpec],
    *,
    threshold: Decimal,
    quota: int | None,
    sheet_totals: Mapping[int, Sequence[Decimal]] | None = None,
) -> list[RankedRow]:
    criteria = ordered_criteria(criteria)
    first = criteria[0] if criteria else None
    prepared = []
    for app in applications:
        if sheet_totals is not None:
            totals = tuple(sheet_totals.get(app.id, ()))
        else:
            totals = tuple(sheet_total(s.points, criteria) for s in app.sheets)
        total = mean(list(totals))
        minimum = min(totals) if totals else None
        first_mean = (
            mean([Decimal(s.points.get(first.id) or 0) for s in app.sheets]) if first and app.sheets else None
        )
        key = (
            total is None,
            -(total or 0),
            -(minimum or 0),
            -(first_mean or 0),
            app.submitted_at or FAR_FUTURE,
            app.number if app.number is not None else 2**63,
            app.id,
        )
        prepared.append((key, app, totals, total))
    prepared.sort(key=lambda item: item[0])
    ranks = competition_ranks([item[3] for item in prepared])
    rows: list[RankedRow] = []
    winners = 0
    for (_key, app, totals, total), rank in zip(prepared, ranks, strict=True):
        passes = total is not None and total >= threshold
        proposed = passes and (quota is None or winners < quota)
        if proposed:
            winners += 1
        rows.append(
            RankedRow(
                application_id=app.id,
                category_id=app.category_id,
                total=total,
                rank=rank,
                sheets=len(totals),
                min_sheet_total=min(totals) if totals else None,
                max_sheet_total=max(totals) if totals else None,
                passes_threshold=passes,
                proposed=proposed,
                sheet_totals=totals,
            )
        )
    return rows


def reference_calibrated_sheets(
    sheets: Sequence[tuple[Hashable, Hashable, float]], score_range: tuple[float, float], min_sheets: int
) -> dict[tuple[Hashable, Hashable], float]:
    low, high = score_range
    by_expert: dict[Hashable, list[tuple[Hashable, float]]] = defaultdict(list)
    for expert, application, total in sheets:
        by_expert[expert].append((application, float(total)))

    def sd(items: list[tuple[Hashable, float]]) -> float:
        values = np.array([v for _, v in items], dtype=np.float64)
        return float(values.std(ddof=1)) if len(values) > 1 else 0.0

    mu = float(np.array([v for items in by_expert.values() for _, v in items]).mean())
    calibrated = {e for e, items in by_expert.items() if len(items) >= min_sheets}
    informative = [e for e in calibrated if sd(by_expert[e]) > 0]
    num = sum((len(by_expert[e]) - 1) * sd(by_expert[e]) ** 2 for e in informative)
    den = sum(len(by_expert[e]) - 1 for e in informative)
    sigma = float(np.sqrt(num / den)) if den else 0.0
    out: dict[tuple[Hashable, Hashable], float] = {}
    for expert, items in by_expert.items():
        if expert not in calibrated:
            out.update(((expert, a), v) for a, v in items)
            continue
        values = np.array([v for _, v in items])
        mean_e, sd_e = float(values.mean()), sd(items)
        z = (values - mean_e) / sd_e if sd_e > 0 else np.zeros_like(values)
        for (application, _), value in zip(items, np.clip(mu + sigma * z, low, high), strict=True):
            out[(expert, application)] = float(value)
    return out


def reference_by_app(sheets: list[tuple[Hashable, Hashable, float]]) -> dict[Hashable, dict[Hashable, float]]:
    by_app: dict[Hashable, dict[Hashable, float]] = defaultdict(dict)
    for expert, application, total in sheets:
        by_app[application][expert] = float(total)
    return dict(by_app)


def reference_leniency(sheets: list[tuple[Hashable, Hashable, float]]) -> list[agreement.Leniency]:
    deviations: dict[Hashable, list[float]] = defaultdict(list)
    for totals in reference_by_app(sheets).values():
        if len(totals) < 2:
            continue
        values = np.array(list(totals.values()))
        others = (values.sum() - values) / (len(values) - 1)
        for expert, dev in zip(totals, values - others, strict=True):
            deviations[expert].append(float(dev))
    out = []
    for expert, devs in deviations.items():
        arr = np.array(devs)
        se = float(arr.std(ddof=1) / np.sqrt(len(arr))) if len(arr) > 1 else None
        out.append(agreement.Leniency(expert, len(arr), float(arr.mean()), se))
    out.sort(key=lambda r: (-r.mean_deviation, str(r.expert)))
    return out


def reference_icc1(sheets: list[tuple[Hashable, Hashable, float]]) -> float | None:
    groups = [np.array(list(t.values())) for t in reference_by_app(sheets).values() if len(t) >= 2]
    a = len(groups)
    if a < 2:
        return None
    sizes = np.array([len(g) for g in groups], dtype=np.float64)
    total = sizes.sum()
    grand = np.concatenate(groups).mean()
    msb = float(sum(len(g) * (g.mean() - grand) ** 2 for g in groups) / (a - 1))
    msw = float(sum(((g - g.mean()) ** 2).sum() for g in groups) / (total - a))
    k0 = (total - (sizes**2).sum() / total) / (a - 1)
    denominator = msb + (k0 - 1) * msw
    return None if denominator == 0 else (msb - msw) / denominator


# --- random inputs ----------------------------------------------------------------------------------------


def random_category(rng: random.Random) -> tuple[list[ApplicationScores], list[CriterionSpec]]:
    criteria = [
        CriterionSpec(id=c, position=rng.randint(0, 2), max_points=D(10), weight=rng.choice(WEIGHTS))
        for c in range(1, rng.randint(1, 4) + 1)
    ]
    moments = [None, *(datetime.datetime(2026, 3, d, tzinfo=datetime.UTC) for d in (1, 2, 3))]
    applications = []
    for pk in rng.sample(range(1, 1000), rng.randint(0, 25)):
        sheets = tuple(
            SheetScores({c.id: rng.choice(POINTS) for c in criteria if rng.random() < 0.9}, sheet_id=s)
            for s in range(rng.choice([0, 1, 2, 3, 3, 5]))
        )
        applications.append(
            ApplicationScores(
                id=pk,
                category_id=7,
                sheets=sheets,
                number=rng.choice([None, 1, 2, 3, pk]),
                submitted_at=rng.choice(moments),
            )
        )
    return applications, criteria


POINTS = [D(0), D("0.5"), D(1), D("2.5"), D(3), D("3.5"), D(7), D(10)]
WEIGHTS = [D(1), D("0.5"), D("1.25"), D(2), D("0.01")]


@pytest.mark.parametrize("seed", range(8))
def test_the_ranking_on_columns_is_the_reference_ranking(seed: int) -> None:
    rng = random.Random(seed)
    for _trial in range(40):
        applications, criteria = random_category(rng)
        threshold = rng.choice([D(0), D("4.8"), D("5.125"), D(7), D(100)])
        quota = rng.choice([None, 0, 1, 3, 10])
        got = rank_category(applications, criteria, threshold=threshold, quota=quota)
        expected = reference_rank_category(applications, criteria, threshold=threshold, quota=quota)
        assert got == expected
        # totals given from outside (as the calibrated ones), of a mixed number of decimals
        given = {
            app.id: [rng.choice([D("4.8"), D("4.80"), D("5.125"), D(3), D("0.01")]) for _s in app.sheets]
            for app in applications
        }
        got = rank_category(applications, criteria, threshold=threshold, quota=quota, sheet_totals=given)
        expected = reference_rank_category(
            applications, criteria, threshold=threshold, quota=quota, sheet_totals=given
        )
        assert got == expected


def test_mean_cents_rounds_half_up_away_from_zero_as_mean_does() -> None:
    rng = random.Random(5)
    for _ in range(2000):
        count = rng.randint(1, 7)
        values = [rng.randint(-20_000, 20_000) for _ in range(count)]
        for scale in (1, 2, 3):
            expected = mean([Decimal(v).scaleb(-scale) for v in values])
            assert expected is not None
            got = scoring.mean_cents(np.array([sum(values)]), np.array([count]), scale)[0]
            assert Decimal(int(got)).scaleb(-2) == expected, (values, scale)


def test_cents_round_floats_as_their_shortest_decimal_would() -> None:
    rng = np.random.default_rng(3)
    values = np.concatenate(
        [
            rng.uniform(0, 200, 5000),
            # exactly on a half cent, and a hair either side of one
            np.array([0.005, 0.015, 1.005, 2.675, 10.125, 99.995, 33.445]),
            np.nextafter(np.array([1.005, 2.675, 10.125]), 0),
            np.nextafter(np.array([1.005, 2.675, 10.125]), 200),
            np.round(rng.uniform(0, 100, 500), 3),
        ]
    )
    expected = [
        int(Decimal(str(float(v))).quantize(D("0.01"), rounding=ROUND_HALF_UP).scaleb(2)) for v in values
    ]
    assert _cents(values).tolist() == expected


def random_sheets(rng: random.Random) -> list[tuple[Hashable, Hashable, float]]:
    experts: list[Hashable] = [f"e{i}" if rng.random() < 0.5 else i for i in range(rng.randint(1, 12))]
    sheets: list[tuple[Hashable, Hashable, float]] = []
    for application in range(rng.randint(1, 40)):
        for expert in rng.sample(experts, rng.randint(1, min(len(experts), 5))):
            sheets.append(
                (expert, application, float(rng.choice([0, 2.5, 3, 7.25, 10, 55.5, rng.random() * 60])))
            )
    return sheets


@pytest.mark.parametrize("seed", range(6))
def test_calibration_and_agreement_on_columns_are_the_reference_figures(seed: int) -> None:
    rng = random.Random(seed)
    for _trial in range(30):
        sheets = random_sheets(rng)
        min_sheets = rng.choice([2, 3, 5])
        result = calibration.calibrate(sheets, (0.0, 60.0), min_sheets=min_sheets)
        expected = reference_calibrated_sheets(sheets, (0.0, 60.0), min_sheets)
        assert result.calibrated_sheets.keys() == expected.keys()
        for key, value in expected.items():
            assert result.calibrated_sheets[key] == pytest.approx(value, abs=1e-9)
        got_leniency = agreement.leniency(sheets)
        want_leniency = reference_leniency(sheets)
        assert len(got_leniency) == len(want_leniency)
        by_expert = {item.expert: item for item in got_leniency}
        for item in want_leniency:
            mine = by_expert[item.expert]
            assert mine.applications == item.applications
            assert mine.mean_deviation == pytest.approx(item.mean_deviation, abs=1e-9)
            assert (mine.se is None) == (item.se is None)
            if item.se is not None:
                assert mine.se == pytest.approx(item.se, abs=1e-9)
        icc = agreement.icc1_oneway(sheets)
        reference = reference_icc1(sheets)
        assert (icc is None) == (reference is None)
        if icc is not None and reference is not None:
            assert icc == pytest.approx(reference, abs=1e-9)
        by_app = reference_by_app(sheets)
        for spread in agreement.spreads(sheets, 5.0):
            values = np.array(list(by_app[spread.application].values()))
            assert spread.sheets == len(values)
            assert (spread.minimum, spread.maximum) == (values.min(), values.max())
            assert spread.sd == pytest.approx(values.std(ddof=1) if len(values) > 1 else 0.0, abs=1e-9)
            assert spread.flagged == (values.max() - values.min() > 5.0)


def test_columns_reject_an_expert_scoring_an_application_twice() -> None:
    with pytest.raises(ValueError, match="scored application 1 twice"):
        Sheets.of([("a", 1, 3.0), ("b", 1, 4.0), ("a", 1, 5.0)])
    with pytest.raises(ValueError, match="not a number"):
        Sheets.of([("a", 1, float("nan"))])
    coded = Sheets.from_keys(np.array([7, 5, 7]), np.array([30, 30, 10]), np.array([1, 2, 3]))
    assert (list(coded.experts), list(coded.applications)) == ([7, 5], [30, 10])
    assert coded.expert.tolist() == [0, 1, 0] and coded.application.tolist() == [0, 0, 1]
