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

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

import numpy as np
from scipy.stats import rankdata

from .sheet_columns import Sheet, Sheets, group_mean, group_sd

__all__ = ["CalibratedColumns", "CalibrationResult", "RankRow", "calibrate", "calibrate_columns", "rank"]


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
    sheets: Iterable[Sheet] | Sheets,
    score_range: tuple[float, float],
    *,
    min_sheets: int = 5,
) -> CalibrationResult:
    """Raw and calibrated totals and rankings from ``(expert, application, total)`` sheets.

    ``score_range`` is ``(low, high)`` of a sheet total (or of one criterion, when calibrating a
    criterion); calibrated sheets are clipped into it. An expert scoring the same application twice is
    an input error.
    """
    columns = sheets if isinstance(sheets, Sheets) else Sheets.of(sheets)
    calibrated = calibrate_columns(columns, score_range, min_sheets=min_sheets)
    if not len(columns):
        return CalibrationResult({}, {}, {}, set(), float("nan"), float("nan"))
    experts, applications = columns.experts, columns.applications
    calibrated_sheets = {
        (experts[e], applications[a]): float(v)
        for e, a, v in zip(
            columns.expert.tolist(), columns.application.tolist(), calibrated.sheets.tolist(), strict=True
        )
    }
    counts = columns.per_application()
    raw_means = group_mean(columns.application, columns.total, counts)
    cal_means = group_mean(columns.application, calibrated.sheets, counts)
    # (applications in order of first appearance)
    raw_totals = {a: float(v) for a, v in zip(applications, raw_means.tolist(), strict=True)}
    cal_totals = {a: float(v) for a, v in zip(applications, cal_means.tolist(), strict=True)}
    raw_ranks, cal_ranks = rank(raw_totals), rank(cal_totals)
    rows = [
        RankRow(a, raw_totals[a], raw_ranks[a], cal_totals[a], cal_ranks[a], int(n))
        for a, n in zip(applications, counts.tolist(), strict=True)
    ]
    rows.sort(key=lambda r: (r.calibrated_rank, r.raw_rank))
    return CalibrationResult(
        raw_totals,
        cal_totals,
        calibrated_sheets,
        {experts[e] for e in np.flatnonzero(calibrated.experts).tolist()},
        calibrated.mean,
        calibrated.sd,
        rows,
    )


@dataclass(frozen=True)
class CalibratedColumns:
    #: the calibrated total of each sheet (in the order of the input)
    sheets: np.ndarray
    #: per expert code: whether their sheets were calibrated
    experts: np.ndarray
    mean: float
    sd: float


def calibrate_columns(
    sheets: Sheets, score_range: tuple[float, float], *, min_sheets: int = 5
) -> CalibratedColumns:
    """The calibrated total of every sheet (the arithmetic of `calibrate`, on columns)."""
    low, high = float(score_range[0]), float(score_range[1])
    if not low < high:
        raise ValueError("score_range must be (low, high) with low < high")
    if min_sheets < 2:
        raise ValueError("min_sheets must be at least 2 (a standard deviation needs two sheets)")
    if not len(sheets):
        return CalibratedColumns(
            np.zeros(0), np.zeros(len(sheets.experts), dtype=bool), float("nan"), float("nan")
        )
    expert, values = sheets.expert, sheets.total
    counts = sheets.per_expert()
    means = group_mean(expert, values, counts)
    sds = group_sd(expert, values, counts, means)
    calibrated = counts >= min_sheets
    informative = calibrated & (sds > 0)
    den = float((counts[informative] - 1).sum())
    num = float(((counts[informative] - 1) * sds[informative] ** 2).sum())
    mu = float(values.mean())
    sigma = float(np.sqrt(num / den)) if den else 0.0
    spread = sds[expert]
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(informative[expert], (values - means[expert]) / np.where(spread > 0, spread, 1.0), 0.0)
    scaled = np.where(calibrated[expert], np.clip(mu + sigma * z, low, high), values)
    return CalibratedColumns(scaled, calibrated, mu, sigma)
