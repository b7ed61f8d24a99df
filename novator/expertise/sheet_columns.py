"""Scoring sheets as columns, and sums per group of them: the common input of `calibration` and `agreement`.

Pure module (numpy). A contest of 10,000 applications has about 50,000 submitted sheets: computed one
Python object at a time the calibration and the agreement figures took seconds, as arrays a few
milliseconds. `Sheets` holds the sheets ``(expert, application, total)`` as three columns of the same
length — integer codes of the experts and the applications (their keys in `experts` / `applications`, in
order of first appearance) and the totals as floats.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from novator.core.arrays import first_seen

__all__ = ["Sheet", "Sheets", "group_mean", "group_sd", "group_sum"]

Sheet = tuple[Hashable, Hashable, float]


@dataclass(frozen=True)
class Sheets:
    #: code of the expert of each sheet (index into `experts`)
    expert: np.ndarray
    #: code of the application of each sheet (index into `applications`)
    application: np.ndarray
    #: the sheet's total
    total: np.ndarray
    experts: Sequence[Hashable]
    applications: Sequence[Hashable]

    def __len__(self) -> int:
        return len(self.total)

    @classmethod
    def of(cls, sheets: Iterable[Sheet]) -> Sheets:
        """From ``(expert, application, total)`` tuples; a total that is not a finite number and an expert
        scoring the same application twice are input errors (ValueError naming them)."""
        expert_code: dict[Hashable, int] = {}
        application_code: dict[Hashable, int] = {}
        experts: list[int] = []
        applications: list[int] = []
        totals: list[float] = []
        for expert, application, total in sheets:
            value = float(total)
            if not np.isfinite(value):
                raise ValueError(f"total of expert {expert} for application {application} is not a number")
            experts.append(expert_code.setdefault(expert, len(expert_code)))
            applications.append(application_code.setdefault(application, len(application_code)))
            totals.append(value)
        return cls.from_codes(
            np.array(experts, dtype=np.intp),
            np.array(applications, dtype=np.intp),
            np.array(totals, dtype=np.float64),
            list(expert_code),
            list(application_code),
        )

    @classmethod
    def from_codes(
        cls,
        expert: np.ndarray,
        application: np.ndarray,
        total: np.ndarray,
        experts: Sequence[Hashable],
        applications: Sequence[Hashable],
    ) -> Sheets:
        """From columns already coded (the ranking reads them so from the database); rejects an expert
        scoring the same application twice."""
        if len(expert):
            pair = expert.astype(np.int64) * max(len(applications), 1) + application
            ordered = np.sort(pair)
            repeated = ordered[1:][ordered[1:] == ordered[:-1]]
            if len(repeated):
                e, a = divmod(int(repeated[0]), max(len(applications), 1))
                raise ValueError(f"expert {experts[e]} scored application {applications[a]} twice")
        return cls(expert, application, total, experts, applications)

    @classmethod
    def from_keys(cls, expert: np.ndarray, application: np.ndarray, total: np.ndarray) -> Sheets:
        """From columns of integer keys (ids): coded in order of first appearance, as `of` codes them."""
        experts, expert_codes, _first = first_seen(expert)
        applications, application_codes, _first = first_seen(application)
        return cls.from_codes(
            expert_codes, application_codes, total.astype(np.float64), experts.tolist(), applications.tolist()
        )

    def per_application(self) -> np.ndarray:
        """How many sheets each application has."""
        return np.bincount(self.application, minlength=len(self.applications))

    def per_expert(self) -> np.ndarray:
        """How many sheets each expert submitted."""
        return np.bincount(self.expert, minlength=len(self.experts))


def group_sum(groups: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    return np.bincount(groups, weights=values, minlength=size)


def group_mean(groups: np.ndarray, values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The mean of the values of each group (NaN for an empty group)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return group_sum(groups, values, len(counts)) / counts


def group_sd(groups: np.ndarray, values: np.ndarray, counts: np.ndarray, means: np.ndarray) -> np.ndarray:
    """The sample standard deviation (ddof = 1) of each group, in two passes (0 for a group of one)."""
    squares = group_sum(groups, (values - means[groups]) ** 2, len(counts))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 1, np.sqrt(squares / np.maximum(counts - 1, 1)), 0.0)
