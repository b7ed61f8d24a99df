"""The solver's plain data: the instance, the result, the reasons, and the normalised arrays."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

Pair = tuple[int, int]
IntOrMap = int | Mapping[int, int]

#: How many ids a message lists before it says "and N more".
_LIST_LIMIT = 10


@dataclass
class Instance:
    """One assignment problem, in plain data.

    ``affinity`` is either a mapping ``{(expert, application): value}`` (missing pairs are 0), or a
    matrix (numpy array or scipy sparse) whose row ``i`` is ``experts[i]`` and column ``j`` is
    ``applications[j]``. ``k``, ``min_load`` and ``max_load`` are an int for everybody or a mapping
    per id (every id must be present); ``max_load=None`` means no upper limit. ``fixed`` pairs are kept
    and count towards ``k`` and the loads. With ``require_external`` every application needs at least
    one expert whose municipality is known and differs from the application's.
    """

    experts: Sequence[int]
    applications: Sequence[int]
    affinity: Mapping[Pair, float] | np.ndarray | sp.spmatrix | sp.sparray
    conflicts: set[Pair] = field(default_factory=set)
    k: IntOrMap = 3
    min_load: IntOrMap = 0
    max_load: IntOrMap | None = None
    fixed: set[Pair] = field(default_factory=set)
    expert_municipality: Mapping[int, Hashable | None] | None = None
    application_municipality: Mapping[int, Hashable | None] | None = None
    require_external: bool = False


@dataclass
class Result:
    """``assignment`` is the whole assignment (fixed pairs included), sorted; ``added`` only the new pairs.

    ``objective`` is the total affinity of ``assignment``; ``seconds`` the wall time of the solve;
    ``status`` is ``"optimal"`` (proved for the full problem) or ``"feasible"`` (complete and valid, the
    time limit stopped the proof) for :func:`solve`, and ``"complete"`` or ``"incomplete"`` for
    :func:`greedy`.
    """

    assignment: list[Pair]
    objective: float
    seconds: float
    status: str
    added: list[Pair] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Reason:
    """One violated constraint: a stable ``code`` (for translation), its numbers, and an English sentence."""

    code: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)


class Infeasible(Exception):
    """The constraints cannot all be met; ``reasons`` says which and by how much."""

    def __init__(self, reasons: Sequence[Reason]):
        self.reasons = list(reasons)
        super().__init__(
            "The assignment is infeasible:\n" + "\n".join(f"- {r.message}" for r in self.reasons)
        )


class TimeLimitExceeded(Exception):
    """The time budget ran out before the solver reached a verdict."""


# ---------------------------------------------------------------------------------------------------
# Normalised data


@dataclass
class _Data:
    experts: list[int]
    applications: list[int]
    w: np.ndarray  # float64, experts × applications
    conflict: np.ndarray  # bool
    fixed: np.ndarray  # bool
    ext: np.ndarray  # bool: expert is from another municipality (all False without the rule)
    k: np.ndarray  # int64 per application
    lo: np.ndarray  # int64 per expert
    hi: np.ndarray  # int64 per expert
    require_external: bool
    # derived
    k_rem: np.ndarray = field(init=False)
    lo_rem: np.ndarray = field(init=False)
    hi_rem: np.ndarray = field(init=False)
    need_ext: np.ndarray = field(init=False)  # bool per application: an external slot is still open
    eligible: np.ndarray = field(init=False)  # bool: pair may be added

    def __post_init__(self) -> None:
        fa = self.fixed.sum(axis=0).astype(np.int64)
        fe = self.fixed.sum(axis=1).astype(np.int64)
        self.k_rem = self.k - fa
        self.hi_rem = self.hi - fe
        self.lo_rem = np.maximum(self.lo - fe, 0)
        if self.require_external:
            has_ext = (self.fixed & self.ext).any(axis=0)
            self.need_ext = ~has_ext & (self.k_rem > 0)
        else:
            self.need_ext = np.zeros(len(self.applications), dtype=bool)
        self.eligible = ~self.conflict & ~self.fixed & (self.hi_rem > 0)[:, None] & (self.k_rem > 0)[None, :]


def _is_int(value: Any) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def _per_id(value: IntOrMap | None, ids: list[int], name: str, default: int) -> np.ndarray:
    if value is None:
        return np.full(len(ids), default, dtype=np.int64)
    if _is_int(value):
        if value < 0:  # type: ignore[operator]
            raise ValueError(f"{name} must not be negative (got {value})")
        return np.full(len(ids), int(value), dtype=np.int64)  # type: ignore[arg-type]
    if not isinstance(value, Mapping):
        raise ValueError(f"{name} must be an integer or a mapping of ids to integers")
    missing = [i for i in ids if i not in value]
    if missing:
        raise ValueError(f"{name} has no value for {_ids(missing)}")
    out = np.empty(len(ids), dtype=np.int64)
    for pos, i in enumerate(ids):
        v = value[i]
        if not _is_int(v) or v < 0:
            raise ValueError(f"{name} for {i} must be a non-negative integer (got {v!r})")
        out[pos] = int(v)
    return out


def _n(count: int, noun: str) -> str:
    """``_n(1, "more expert")`` → "1 more expert", ``_n(3, "expert")`` → "3 experts"."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _ids(ids: Sequence[Any], limit: int = _LIST_LIMIT) -> str:
    shown = ", ".join(str(i) for i in list(ids)[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def _pair_mask(pairs: set[Pair], e_index: dict[int, int], a_index: dict[int, int], name: str) -> np.ndarray:
    mask = np.zeros((len(e_index), len(a_index)), dtype=bool)
    if not pairs:
        return mask
    rows, cols, unknown = [], [], []
    for e, a in pairs:
        i, j = e_index.get(e), a_index.get(a)
        if i is None or j is None:
            unknown.append((e, a))
            continue
        rows.append(i)
        cols.append(j)
    if unknown:
        raise ValueError(f"{name} name unknown experts or applications: {_ids(sorted(unknown))}")
    mask[rows, cols] = True
    return mask


def _prepare(inst: Instance) -> _Data:
    experts = [int(e) for e in inst.experts]
    applications = [int(a) for a in inst.applications]
    if len(set(experts)) != len(experts):
        raise ValueError("experts contain duplicate ids")
    if len(set(applications)) != len(applications):
        raise ValueError("applications contain duplicate ids")
    e_index = {e: i for i, e in enumerate(experts)}
    a_index = {a: j for j, a in enumerate(applications)}
    n_e, n_a = len(experts), len(applications)

    aff = inst.affinity
    if isinstance(aff, Mapping):
        w = np.zeros((n_e, n_a), dtype=np.float64)
        unknown = [p for p in aff if p[0] not in e_index or p[1] not in a_index]
        if unknown:
            raise ValueError(f"affinity names unknown experts or applications: {_ids(sorted(unknown))}")
        if aff:
            rows = np.fromiter((e_index[e] for e, _ in aff), dtype=np.int64, count=len(aff))
            cols = np.fromiter((a_index[a] for _, a in aff), dtype=np.int64, count=len(aff))
            w[rows, cols] = np.fromiter(aff.values(), dtype=np.float64, count=len(aff))
    else:
        w = aff.toarray() if sp.issparse(aff) else np.asarray(aff)  # type: ignore[union-attr]
        w = np.asarray(w, dtype=np.float64)
        if w.shape != (n_e, n_a):
            raise ValueError(
                f"affinity matrix has shape {w.shape}, expected {(n_e, n_a)} (experts × applications)"
            )
    if not np.isfinite(w).all():
        raise ValueError("affinity contains NaN or infinite values")

    conflict = _pair_mask(set(inst.conflicts), e_index, a_index, "conflicts")
    fixed = _pair_mask(set(inst.fixed), e_index, a_index, "fixed pairs")

    ext = np.zeros((n_e, n_a), dtype=bool)
    if inst.require_external:
        if inst.application_municipality is None or inst.expert_municipality is None:
            raise ValueError("require_external needs expert_municipality and application_municipality")
        codes: dict[Hashable, int] = {}
        em = np.array(
            [_code(codes, inst.expert_municipality.get(e)) for e in experts], dtype=np.int64
        ).reshape(n_e)
        am = np.array(
            [_code(codes, inst.application_municipality.get(a)) for a in applications], dtype=np.int64
        ).reshape(n_a)
        ext = (em[:, None] != am[None, :]) & (em >= 0)[:, None] & (am >= 0)[None, :]

    k = _per_id(inst.k, applications, "k", 0)
    lo = _per_id(inst.min_load, experts, "min_load", 0)
    hi = _per_id(inst.max_load, experts, "max_load", n_a)
    return _Data(experts, applications, w, conflict, fixed, ext, k, lo, hi, bool(inst.require_external))


def _code(codes: dict[Hashable, int], value: Hashable | None) -> int:
    if value is None:
        return -1
    return codes.setdefault(value, len(codes))
