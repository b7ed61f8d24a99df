"""Small numpy helpers shared by the computations on columns (the ranking, the monitoring recompute)."""

from __future__ import annotations

import numpy as np

__all__ = ["first_seen", "positions"]


def first_seen(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct keys in the order they first appear, each row's index into them, and the first row of
    each: the codes a dict filled in row order would give, for a whole column at once."""
    distinct, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    code = np.empty(len(distinct), dtype=np.intp)
    code[order] = np.arange(len(distinct))
    return distinct[order], code[inverse.ravel()], first[order]


def positions(ids: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """The index in `ids` (in any order, no repeats) of each of `keys`, -1 for a key not there."""
    if not len(ids):
        return np.full(len(keys), -1, dtype=np.intp)
    by_id = np.argsort(ids, kind="stable")
    found = by_id[np.minimum(np.searchsorted(ids, keys, sorter=by_id), len(ids) - 1)]
    return np.where(ids[found] == keys, found, -1)
