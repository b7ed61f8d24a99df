"""Calibrated totals: correct for lenient and harsh experts by per-expert standardisation.

Pure module (numpy, scipy). For every expert with at least ``min_sheets`` scored applications::

    z      = (x − mean_e) / sd_e                       (sd_e: the expert's sample standard deviation)
    x_cal  = clip(μ + σ · z, low, high)

where μ is the mean of all sheet totals and σ the pooled within-expert standard deviation,
σ² = Σ_e (n_e − 1)·sd_e² / Σ_e (n_e − 1) over the calibrated experts with sd_e > 0 — the spread of a
typical expert once their own leniency is removed (the plain standard deviation of all totals would
also count the differences between experts, which is exactly what calibration removes). An expert who
gave the same total to everything (sd_e = 0) carries no ranking information: their sheets become μ.
Experts with fewer sheets keep their raw totals. The application's calibrated total is the mean of its
calibrated sheets.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

import numpy as np
from scipy.stats import rankdata

__all__ = ["CalibrationResult", "RankRow", "calibrate", "rank"]

Sheet = tuple[Hashable, Hashable, float]


@dataclass(frozen=True)
class RankRow:
    application: Hashable
    raw_total: float
    raw_rank: float
    calibrated_total: float
    calibrated_rank: float
    sheets: int


@dataclass
class CalibrationResult:
    raw_totals: dict[Hashable, float]
    calibrated_totals: dict[Hashable, float]
    calibrated_sheets: dict[tuple[Hashable, Hashable], float]
    calibrated_experts: set[Hashable]
    pooled_mean: float
    pooled_sd: float
    rows: list[RankRow] = field(default_factory=list)

    @property
    def raw_ranking(self) -> list[Hashable]:
        """Applications from the best raw total down (ties by id order of first appearance)."""
        return [r.application for r in sorted(self.rows, key=lambda r: r.raw_rank)]

    @property
    def calibrated_ranking(self) -> list[Hashable]:
        return [r.application for r in sorted(self.rows, key=lambda r: r.calibrated_rank)]


def rank(totals: dict[Hashable, float]) -> dict[Hashable, float]:
    """Ranks, best (highest) first; ties share the average rank: {a: 10, b: 10, c: 7} → 1.5, 1.5, 3."""
    keys = list(totals)
    ranks = rankdata(-np.array([totals[k] for k in keys], dtype=np.float64), method="average")
    return {k: float(r) for k, r in zip(keys, ranks, strict=True)}


def calibrate(
    sheets: Iterable[Sheet],
    score_range: tuple[float, float],
    *,
    min_sheets: int = 5,
) -> CalibrationResult:
    """Raw and calibrated totals and rankings from ``(expert, application, total)`` sheets.

    ``score_range`` is ``(low, high)`` of a sheet total (or of one criterion, when calibrating a
    criterion); calibrated sheets are clipped into it. An expert scoring the same application twice is
    an input error.
    """
    low, high = float(score_range[0]), float(score_range[1])
    if not low < high:
        raise ValueError("score_range must be (low, high) with low < high")
    if min_sheets < 2:
        raise ValueError("min_sheets must be at least 2 (a standard deviation needs two sheets)")
    by_expert: dict[Hashable, list[tuple[Hashable, float]]] = defaultdict(list)
    seen: set[tuple[Hashable, Hashable]] = set()
    order: dict[Hashable, None] = {}  # applications in order of first appearance
    for expert, application, total in sheets:
        if (expert, application) in seen:
            raise ValueError(f"expert {expert} scored application {application} twice")
        value = float(total)
        if not np.isfinite(value):
            raise ValueError(f"total of expert {expert} for application {application} is not a number")
        seen.add((expert, application))
        by_expert[expert].append((application, value))
        order.setdefault(application)
    if not seen:
        return CalibrationResult({}, {}, {}, set(), float("nan"), float("nan"))

    all_values = np.array([v for items in by_expert.values() for _, v in items])
    mu = float(all_values.mean())
    calibrated_experts = {e for e, items in by_expert.items() if len(items) >= min_sheets}
    informative = [e for e in calibrated_experts if _sd(by_expert[e]) > 0]
    num = sum((len(by_expert[e]) - 1) * _sd(by_expert[e]) ** 2 for e in informative)
    den = sum(len(by_expert[e]) - 1 for e in informative)
    sigma = float(np.sqrt(num / den)) if den else 0.0

    calibrated_sheets: dict[tuple[Hashable, Hashable], float] = {}
    for expert, items in by_expert.items():
        if expert not in calibrated_experts:
            for application, value in items:
                calibrated_sheets[(expert, application)] = value
            continue
        values = np.array([v for _, v in items])
        mean_e, sd_e = float(values.mean()), _sd(items)
        z = (values - mean_e) / sd_e if sd_e > 0 else np.zeros_like(values)
        scaled = np.clip(mu + sigma * z, low, high)
        for (application, _), value in zip(items, scaled, strict=True):
            calibrated_sheets[(expert, application)] = float(value)

    raw_per_app: dict[Hashable, list[float]] = defaultdict(list)
    cal_per_app: dict[Hashable, list[float]] = defaultdict(list)
    for expert, items in by_expert.items():
        for application, value in items:
            raw_per_app[application].append(value)
            cal_per_app[application].append(calibrated_sheets[(expert, application)])
    raw_totals = {a: float(np.mean(raw_per_app[a])) for a in order}
    cal_totals = {a: float(np.mean(cal_per_app[a])) for a in order}
    raw_ranks, cal_ranks = rank(raw_totals), rank(cal_totals)
    rows = [
        RankRow(a, raw_totals[a], raw_ranks[a], cal_totals[a], cal_ranks[a], len(raw_per_app[a]))
        for a in order
    ]
    rows.sort(key=lambda r: (r.calibrated_rank, r.raw_rank))
    return CalibrationResult(raw_totals, cal_totals, calibrated_sheets, calibrated_experts, mu, sigma, rows)


def _sd(items: list[tuple[Hashable, float]]) -> float:
    values = np.array([v for _, v in items], dtype=np.float64)
    return float(values.std(ddof=1)) if len(values) > 1 else 0.0
