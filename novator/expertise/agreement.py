"""How much the experts agree: spread per application, Kendall's W, ICC, and leniency per expert.

Pure module (numpy, scipy). Input everywhere is a list of scoring sheets ``(expert, application, total)``
or, for the block statistics, a complete matrix. Formulas (also in docs/assignment.md):

* spread of an application: max − min and the sample standard deviation of its totals; flagged when
  max − min exceeds the threshold.
* Kendall's W for m experts ranking the same n applications (ranks per expert, ties get average ranks):
  ``W = 12·S / (m²(n³ − n) − m·ΣT)`` with ``S = Σ_j (R_j − R̄)²`` (R_j: rank sum of application j) and
  ``T = Σ (t³ − t)`` over each expert's groups of t tied totals. χ² = m(n − 1)·W with n − 1 degrees of
  freedom tests W > 0. W is only defined when every expert scored every application; for an
  incomplete design it is computed on the largest complete block found (a subset of experts who all
  scored the same subset of applications), or not at all, with the reason.
* ICC (Shrout & Fleiss 1979), n targets × k raters, from the two-way ANOVA mean squares BMS (between
  targets), JMS (between raters), EMS (residual) and WMS (within targets):
  ``ICC(1) = (BMS − WMS) / (BMS + (k − 1)·WMS)``,
  ``ICC(2,1) = (BMS − EMS) / (BMS + (k − 1)·EMS + k·(JMS − EMS)/n)``.
  ICC(2,1) needs a complete block; ICC(1) (one-way: each application by its own experts) is also
  defined for incomplete designs, with k replaced by k₀ = (N − Σn_i²/N)/(a − 1) when the numbers of
  sheets per application differ.
* leniency of an expert: the mean, over the applications they scored together with others, of
  (their total − the mean total of the other experts on that application); positive = more lenient.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
from scipy.stats import chi2 as chi2_dist
from scipy.stats import rankdata

from .sheet_columns import Sheet, Sheets, group_mean, group_sd, group_sum

__all__ = [
    "Concordance",
    "Leniency",
    "Spread",
    "concordance",
    "icc",
    "icc1_oneway",
    "interpret_w",
    "kendall_w",
    "leniency",
    "spreads",
]

#: Lower bounds of the levels of agreement used by :func:`interpret_w` (after Schmidt 1997, rounded).
W_LEVELS: tuple[tuple[float, str], ...] = (
    (0.7, "очень высокая"),
    (0.5, "высокая"),
    (0.3, "умеренная"),
    (0.0, "слабая"),
)


@dataclass(frozen=True)
class Spread:
    application: Hashable
    sheets: int
    minimum: float
    maximum: float
    range: float
    sd: float
    flagged: bool


@dataclass
class Concordance:
    """Kendall's W with its test; ``w`` is None when it is not defined, and ``reason`` says why."""

    w: float | None
    experts: list[Hashable] = field(default_factory=list)
    applications: list[Hashable] = field(default_factory=list)
    chi2: float | None = None
    df: int | None = None
    p_value: float | None = None
    complete: bool = False
    reason: str = ""

    @property
    def interpretation(self) -> str:
        return interpret_w(self.w)


@dataclass(frozen=True)
class Leniency:
    expert: Hashable
    applications: int
    mean_deviation: float
    se: float | None


def _collect(sheets: Iterable[Sheet] | Sheets) -> dict[Hashable, dict[Hashable, float]]:
    """{application: {expert: total}} (applications in order of first appearance), rejecting duplicates
    and non-numbers."""
    columns = _columns(sheets)
    experts, applications = columns.experts, columns.applications
    by_app: dict[Hashable, dict[Hashable, float]] = {a: {} for a in applications}
    for e, a, total in zip(
        columns.expert.tolist(), columns.application.tolist(), columns.total.tolist(), strict=True
    ):
        by_app[applications[a]][experts[e]] = total
    return by_app


def _columns(sheets: Iterable[Sheet] | Sheets) -> Sheets:
    return sheets if isinstance(sheets, Sheets) else Sheets.of(sheets)


def spreads(sheets: Iterable[Sheet] | Sheets, threshold: float) -> list[Spread]:
    """Per application: min, max, range and sample sd of the totals; flagged when range > threshold."""
    columns = _columns(sheets)
    application, values = columns.application, columns.total
    counts = columns.per_application()
    means = group_mean(application, values, counts)
    sds = group_sd(application, values, counts, means)
    low = np.full(len(counts), np.inf)
    high = np.full(len(counts), -np.inf)
    np.minimum.at(low, application, values)
    np.maximum.at(high, application, values)
    ranges = high - low
    return [
        Spread(key, n, minimum, maximum, width, sd, width > threshold)
        for key, n, minimum, maximum, width, sd in zip(
            columns.applications,
            counts.tolist(),
            low.tolist(),
            high.tolist(),
            ranges.tolist(),
            sds.tolist(),
            strict=True,
        )
    ]


def kendall_w(scores: np.ndarray | Sequence[Sequence[float]]) -> float:
    """Kendall's W of a complete block: ``scores[i][j]`` is expert i's total (or rank) for application j.

    Totals are turned into ranks per expert (ties get the average rank, with the tie correction).
    Raises ValueError for fewer than 2 experts or 2 applications or a missing score (NaN). When every
    expert gives everything the same total the denominator is 0: W is undefined and NaN is returned.
    """
    x = np.asarray(scores, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] < 2 or x.shape[1] < 2:
        raise ValueError("Kendall's W needs at least 2 experts and 2 applications (a 2-D block)")
    if np.isnan(x).any():
        raise ValueError("Kendall's W needs a complete block (no missing scores)")
    m, n = x.shape
    ranks = rankdata(x, axis=1, method="average")
    r = ranks.sum(axis=0)
    s = float(((r - r.mean()) ** 2).sum())
    ties = 0.0
    for row in x:
        _, counts = np.unique(row, return_counts=True)
        ties += float((counts**3 - counts).sum())
    denominator = m**2 * (n**3 - n) - m * ties
    return float("nan") if denominator == 0 else 12.0 * s / denominator


class _Bits(dict[Hashable, int]):
    """The set of applications of each expert as the bits of an int, made when first asked for."""

    def __init__(self, positions: dict[Hashable, list[int]], size: int):
        super().__init__()
        self.positions = positions
        self.size = size

    def __missing__(self, expert: Hashable) -> int:
        bits = bytearray(self.size // 8 + 1)
        for i in self.positions[expert]:
            bits[i >> 3] |= 1 << (i & 7)
        value = self[expert] = int.from_bytes(bits, "little")
        return value


def _pair_counts(experts_of: list[list[int]], experts: int) -> tuple[dict[int, int], list[int]]:
    """How many applications each pair of experts scored together (by the key `first * experts +
    second`, first < second), and for each application the largest of these counts among its pairs (0
    for an application of fewer than two experts). In arrays: 10,000 applications of five experts have
    100,000 pairs."""
    most = np.zeros(len(experts_of), dtype=np.int64)
    sizes = np.array([len(e) for e in experts_of], dtype=np.int64)
    keys_of: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for size in np.unique(sizes[sizes >= 2]).tolist():
        rows = np.flatnonzero(sizes == size)
        members = np.sort(np.array([experts_of[i] for i in rows.tolist()], dtype=np.int64), axis=1)
        first, second = np.triu_indices(size, k=1)
        keys_of[size] = (rows, members[:, first] * experts + members[:, second])
    if not keys_of:
        return {}, most.tolist()
    unique, counts = np.unique(
        np.concatenate([keys.ravel() for _rows, keys in keys_of.values()]), return_counts=True
    )
    for rows, keys in keys_of.values():
        most[rows] = counts[np.searchsorted(unique, keys)].max(axis=1)
    return dict(zip(unique.tolist(), counts.tolist(), strict=True)), most.tolist()


def _largest_complete_block(
    by_app: dict[Hashable, dict[Hashable, float]], max_subset: int = 8
) -> tuple[list[Hashable], list[Hashable]]:
    """A large set of experts × applications where every expert scored every application (heuristic).

    Candidates are the expert sets of single applications and their subsets of at least two experts
    (only the full set when an application has more than ``max_subset`` experts); for each, the block
    takes every application all of them scored. The block with the most sheets wins (then more experts).
    """
    # The applications of each expert as the bits of an int (bit i: the i-th application): an
    # intersection is one `&` and its size `int.bit_count()`, a few microseconds for 10,000 applications
    # instead of a set intersection; the result is the same as with sets. Made when first needed (most
    # experts are never intersected: their sets are pruned below).
    positions: dict[Hashable, list[int]] = defaultdict(list)
    for i, totals in enumerate(by_app.values()):
        for expert in totals:
            positions[expert].append(i)
    bits_of = _Bits(positions, len(by_app))
    # How many applications each pair of experts scored together: no set of experts has more common
    # applications than its pair with the fewest, so a set whose bound cannot beat the best block found
    # so far is skipped (it could not have won: the result is the same as trying it).
    number = {expert: i for i, expert in enumerate(positions)}
    pairs, most_of = _pair_counts([[number[e] for e in totals] for totals in by_app.values()], len(number))
    seen: set[tuple[Hashable, ...]] = set()
    best: tuple[int, int, tuple[Hashable, ...], int] = (0, 0, (), 0)
    for totals, most in zip(by_app.values(), most_of, strict=True):
        if len(totals) < 2:
            continue
        sizes = range(2, len(totals) + 1) if len(totals) <= max_subset else [len(totals)]
        if (sizes[-1] * most, sizes[-1]) <= best[:2]:
            continue  # not even all of them together could beat the best block
        experts = sorted(totals, key=str)
        for size in sizes:
            if (size * most, size) <= best[:2]:
                continue
            for subset in combinations(experts, size):
                # `experts` is sorted the same way for every application: the tuple names the set
                if subset in seen:
                    continue
                seen.add(subset)
                if size == 2:  # a pair: its common applications are already counted
                    first, second = sorted((number[subset[0]], number[subset[1]]))
                    n = pairs[first * len(number) + second]
                    if n < 2 or (2 * n, 2) <= best[:2]:
                        continue
                common = bits_of[subset[0]]
                for expert in subset[1:]:
                    common &= bits_of[expert]
                n = common.bit_count()
                score = (size * n, size)
                if n >= 2 and score > best[:2]:
                    best = (*score, subset, common)
    applications = list(by_app)
    members = np.unpackbits(
        np.frombuffer(best[3].to_bytes(len(applications) // 8 + 1, "little"), dtype=np.uint8),
        bitorder="little",
    )
    block = [applications[i] for i in np.flatnonzero(members).tolist()]
    return list(best[2]), sorted(block, key=str)


def concordance(sheets: Iterable[Sheet] | Sheets) -> Concordance:
    """Kendall's W for a contest: on all sheets when the design is complete, else on the largest
    complete block found; None with the reason when there is no block of 2 experts × 2 applications."""
    by_app = _collect(sheets)
    experts = sorted({e for totals in by_app.values() for e in totals}, key=str)
    applications = sorted(by_app, key=str)
    complete = all(len(by_app[a]) == len(experts) for a in applications)
    if complete:
        block_e, block_a = experts, applications
    else:
        block_e, block_a = _largest_complete_block(by_app)
    if len(block_e) < 2 or len(block_a) < 2:
        return Concordance(
            None,
            complete=complete,
            reason="W не определён: нет двух экспертов, оценивших одни и те же две заявки или больше",
        )
    block = np.array([[by_app[a][e] for a in block_a] for e in block_e])
    w = kendall_w(block)
    if np.isnan(w):
        return Concordance(
            None, block_e, block_a, complete=complete, reason="W не определён: все оценки в блоке одинаковы"
        )
    m, n = len(block_e), len(block_a)
    chi2 = m * (n - 1) * w
    reason = (
        ""
        if complete
        else (
            f"план неполный: W рассчитан на наибольшем полном блоке — {m} эксп. × {n} заявок "
            f"из {len(experts)} × {len(applications)}"
        )
    )
    return Concordance(
        w, block_e, block_a, chi2, n - 1, float(chi2_dist.sf(chi2, n - 1)), complete=complete, reason=reason
    )


def _mean_squares(y: np.ndarray) -> tuple[float, float, float, float]:
    n, k = y.shape
    grand = y.mean()
    ss_total = float(((y - grand) ** 2).sum())
    ss_rows = float(k * ((y.mean(axis=1) - grand) ** 2).sum())
    ss_cols = float(n * ((y.mean(axis=0) - grand) ** 2).sum())
    ss_err = ss_total - ss_rows - ss_cols
    bms = ss_rows / (n - 1)
    jms = ss_cols / (k - 1)
    ems = ss_err / ((n - 1) * (k - 1))
    wms = (ss_cols + ss_err) / (n * (k - 1))
    return bms, jms, ems, wms


def icc(block: np.ndarray | Sequence[Sequence[float]]) -> dict[str, float | None]:
    """ICC(1) and ICC(2,1) of a complete block: ``block[i][j]`` is rater j's total for target i.

    Returns None for a coefficient whose denominator is 0 (no variance at all).
    """
    y = np.asarray(block, dtype=np.float64)
    if y.ndim != 2 or y.shape[0] < 2 or y.shape[1] < 2 or np.isnan(y).any():
        raise ValueError("ICC needs a complete block of at least 2 targets × 2 raters")
    n, k = y.shape
    bms, jms, ems, wms = _mean_squares(y)
    d1 = bms + (k - 1) * wms
    d2 = bms + (k - 1) * ems + k * (jms - ems) / n
    return {
        "icc1": (bms - wms) / d1 if d1 else None,
        "icc2_1": (bms - ems) / d2 if d2 else None,
    }


def icc1_oneway(sheets: Iterable[Sheet] | Sheets) -> float | None:
    """ICC(1) from sheets where each application has its own experts (any design).

    Applications with a single sheet are left out; k₀ replaces k when the numbers of sheets differ.
    None when fewer than 2 applications have 2 sheets or there is no variance.
    """
    columns = _columns(sheets)
    counts = columns.per_application()
    kept = counts[columns.application] >= 2
    application, values = columns.application[kept], columns.total[kept]
    sizes = counts[counts >= 2].astype(np.float64)
    a = len(sizes)
    if a < 2:
        return None
    total = sizes.sum()
    grand = values.mean()
    means = group_mean(application, values, counts)
    used = counts >= 2
    msb = float((counts[used] * (means[used] - grand) ** 2).sum() / (a - 1))
    msw = float(group_sum(application, (values - means[application]) ** 2, len(counts)).sum() / (total - a))
    k0 = (total - (sizes**2).sum() / total) / (a - 1)
    denominator = msb + (k0 - 1) * msw
    return None if denominator == 0 else (msb - msw) / denominator


def leniency(sheets: Iterable[Sheet] | Sheets) -> list[Leniency]:
    """Per expert: mean of (own total − mean of the others' totals) over shared applications.

    Sorted from the most lenient (largest positive deviation) to the harshest.
    """
    columns = _columns(sheets)
    counts = columns.per_application()
    sums = group_sum(columns.application, columns.total, len(counts))
    shared = counts[columns.application] >= 2
    application, expert, values = (
        columns.application[shared],
        columns.expert[shared],
        columns.total[shared],
    )
    deviations = values - (sums[application] - values) / (counts[application] - 1)
    per_expert = np.bincount(expert, minlength=len(columns.experts))
    means = group_mean(expert, deviations, per_expert)
    sds = group_sd(expert, deviations, per_expert, means)
    out = [
        Leniency(
            columns.experts[e],
            int(per_expert[e]),
            float(means[e]),
            float(sds[e] / np.sqrt(per_expert[e])) if per_expert[e] > 1 else None,
        )
        for e in np.flatnonzero(per_expert).tolist()
    ]
    out.sort(key=lambda r: (-r.mean_deviation, str(r.expert)))
    return out


def interpret_w(w: float | None) -> str:
    """Plain Russian: W < 0.3 слабая, 0.3–0.5 умеренная, 0.5–0.7 высокая, ≥ 0.7 очень высокая."""
    if w is None or np.isnan(w):
        return "согласованность не определена"
    for bound, level in W_LEVELS:
        if w >= bound:
            return f"согласованность {level}"
    return "согласованность слабая"
