"""Optimal expert assignment as a min-cost flow (OR-Tools), with plain-words infeasibility reports.

Pure module: numpy, scipy and OR-Tools only, no Django, so that the web side, the management command
and the benchmark call it with plain data.

The model (see docs/assignment.md for the drawing)::

    source S ──[cap max_load−min_load]──▶ expert e ──[cap 1, cost −affinity]──▶ application a
    supplies: S = Σk − Σmin_load, e = min_load(e), a = −k(a)

Lower bounds on the loads use the standard transformation (the minimum load is a supply at the expert
node, only the slack flows through S → e). When every application must get an expert from another
municipality, each application has two demand nodes — an *external* slot (demand 1, fed only by external
experts) and a *general* slot (demand k − 1) — and every candidate pair runs through its own pair node of
capacity 1, so that one expert never fills both slots of the same application.

For scale the flow is built on *sparse candidates*: per application its top-C eligible experts by
affinity (plus the top external experts, plus the top applications of experts with a minimum load). The
sparse optimum is then *priced*: node potentials are computed from the residual graph and every left-out
pair is checked for a negative reduced cost; violating pairs are added and the flow re-solved, so the
returned assignment is optimal for the full problem, not only for the candidates. When the sparse
problem is infeasible, C is doubled up to all eligible pairs before infeasibility is declared.
"""

from __future__ import annotations

import time
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from ortools.graph.python import max_flow, min_cost_flow

__all__ = [
    "Infeasible",
    "Instance",
    "Reason",
    "Result",
    "TimeLimitExceeded",
    "greedy",
    "solve",
]

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


# ---------------------------------------------------------------------------------------------------
# Necessary conditions, in plain words


def _check(d: _Data) -> list[Reason]:
    reasons: list[Reason] = []
    E, A = d.experts, d.applications
    n_fixed = int(d.fixed.sum())
    after = f" (after {n_fixed} fixed assignments)" if n_fixed else ""

    bad_fixed = np.argwhere(d.fixed & d.conflict)
    for i, j in bad_fixed[:_LIST_LIMIT]:
        reasons.append(
            Reason(
                "fixed_conflict",
                f"the fixed pair (expert {E[i]}, application {A[j]}) is a conflict of interest",
                {"expert": E[i], "application": A[j]},
            )
        )
    if len(bad_fixed) > _LIST_LIMIT:
        reasons.append(
            Reason(
                "fixed_conflict_more",
                f"and {len(bad_fixed) - _LIST_LIMIT} more fixed pairs are conflicts",
                {"count": len(bad_fixed) - _LIST_LIMIT},
            )
        )

    for i in np.flatnonzero(d.lo > d.hi):
        reasons.append(
            Reason(
                "min_above_max",
                f"expert {E[i]} has min_load {d.lo[i]} above max_load {d.hi[i]}",
                {"expert": E[i], "min_load": int(d.lo[i]), "max_load": int(d.hi[i])},
            )
        )
    for j in np.flatnonzero(d.k_rem < 0):
        reasons.append(
            Reason(
                "fixed_above_k",
                f"application {A[j]} has {d.k[j] - d.k_rem[j]} fixed experts but k = {d.k[j]}",
                {"application": A[j], "fixed": int(d.k[j] - d.k_rem[j]), "k": int(d.k[j])},
            )
        )
    for i in np.flatnonzero(d.hi_rem < 0):
        reasons.append(
            Reason(
                "fixed_above_max_load",
                f"expert {E[i]} has {d.hi[i] - d.hi_rem[i]} fixed assignments but max_load = {d.hi[i]}",
                {"expert": E[i], "fixed": int(d.hi[i] - d.hi_rem[i]), "max_load": int(d.hi[i])},
            )
        )
    if reasons:
        return reasons

    demand = int(d.k_rem.sum())
    capacity = int(d.hi_rem.sum())
    if demand > capacity:
        reasons.append(
            Reason(
                "demand_above_capacity",
                f"total demand Σk = {demand} exceeds total capacity Σmax_load = {capacity} "
                f"by {demand - capacity}{after}",
                {"demand": demand, "capacity": capacity, "shortfall": demand - capacity},
            )
        )
    min_total = int(d.lo_rem.sum())
    if min_total > demand:
        reasons.append(
            Reason(
                "min_load_above_demand",
                f"total minimum load Σmin_load = {min_total} exceeds total demand Σk = {demand} "
                f"by {min_total - demand}{after}",
                {"min_load": min_total, "demand": demand, "excess": min_total - demand},
            )
        )

    available = d.eligible.sum(axis=0)
    for j in np.flatnonzero(available < d.k_rem):
        has = int(available[j])
        fixed_here = int(d.k[j] - d.k_rem[j])
        needs = f"needs {d.k_rem[j]} more ({fixed_here} fixed)" if fixed_here else f"needs {d.k[j]}"
        has_text = f"only {_n(has, 'available non-conflicted expert')}" if has else "no available experts"
        reasons.append(
            Reason(
                "too_few_experts",
                f"application {A[j]} has {has_text} but {needs}",
                {"application": A[j], "available": has, "needed": int(d.k_rem[j]), "fixed": fixed_here},
            )
        )
    if d.require_external:
        ext_available = (d.eligible & d.ext).sum(axis=0)
        for j in np.flatnonzero(d.need_ext & (ext_available == 0)):
            reasons.append(
                Reason(
                    "no_external_expert",
                    f"application {A[j]} has no external expert available "
                    "(no non-conflicted expert from another municipality with free capacity)",
                    {"application": A[j]},
                )
            )
        full_without_ext = (d.k > 0) & (d.k_rem == 0) & ~(d.fixed & d.ext).any(axis=0)
        for j in np.flatnonzero(full_without_ext):
            reasons.append(
                Reason(
                    "fixed_without_external",
                    f"application {A[j]} is filled by its {d.k[j]} fixed experts, "
                    "none of them from another municipality",
                    {"application": A[j], "k": int(d.k[j])},
                )
            )
    reachable = d.eligible.sum(axis=1)
    for i in np.flatnonzero(d.lo_rem > reachable):
        reasons.append(
            Reason(
                "min_load_unreachable",
                f"expert {E[i]} needs a minimum load of {d.lo_rem[i]} more but only {reachable[i]} "
                "applications are available to them",
                {"expert": E[i], "min_load": int(d.lo_rem[i]), "available": int(reachable[i])},
            )
        )
    return reasons


# ---------------------------------------------------------------------------------------------------
# Candidates


def _top_per_column(score: np.ndarray, c: int) -> np.ndarray:
    """Mask of the top-c finite entries of each column (all finite entries when c ≥ rows)."""
    finite = np.isfinite(score)
    if c >= score.shape[0]:
        return finite
    mask = np.zeros(score.shape, dtype=bool)
    top = np.argpartition(-score, c - 1, axis=0)[:c]
    cols = np.broadcast_to(np.arange(score.shape[1]), top.shape)
    mask[top, cols] = True
    return mask & finite


def _candidates(d: _Data, c: int, widen: int = 1) -> np.ndarray:
    """Sparse candidate pairs: each application's top-c eligible experts (and top-c external experts when
    an external slot is open), and each expert's top applications — twice the average load, at least
    twice their minimum load — so that the loads can be met in the sparse graph. ``widen`` multiplies
    the per-expert count after an infeasible round."""
    score = np.where(d.eligible, d.w, -np.inf)
    cand = _top_per_column(score, c)
    if d.need_ext.any():
        ext_score = np.where(d.ext, score, -np.inf)
        cand |= _top_per_column(ext_score, c) & d.need_ext[None, :]
    active = d.eligible.any(axis=1)
    if active.any():
        demand = int(np.maximum(d.k_rem, 0).sum())
        per_expert = max(2 * int(d.lo_rem.max()), -(-2 * demand // int(active.sum()))) * widen
        cand[active] |= _top_per_column(score[active].T, per_expert).T
    return cand & d.eligible


# ---------------------------------------------------------------------------------------------------
# The flow network


@dataclass
class _Network:
    tails: np.ndarray
    heads: np.ndarray
    caps: np.ndarray
    costs: np.ndarray
    supplies: np.ndarray
    pair_arcs: np.ndarray  # index of the arc that carries each candidate pair
    pair_rows: np.ndarray
    pair_cols: np.ndarray
    gen_node: np.ndarray  # per application
    ext_node: np.ndarray  # per application (-1 if none)
    expert_node: np.ndarray


def _scale(d: _Data) -> float:
    """Integer cost scale: 10^6 for affinities up to 1000, less for larger ones (costs stay ≤ 10^9)."""
    top = float(np.abs(d.w).max()) if d.w.size else 0.0
    return 1e6 if top <= 1e3 else 1e9 / top


def _build(d: _Data, cand: np.ndarray, icost: np.ndarray) -> _Network:
    n_e, n_a = len(d.experts), len(d.applications)
    rows, cols = np.nonzero(cand)
    n_p = len(rows)
    source = 0
    expert_node = 1 + np.arange(n_e)
    gen_node = 1 + n_e + np.arange(n_a)
    use_ext = bool(d.need_ext.any())
    ext_node = np.full(n_a, -1, dtype=np.int64)
    n_nodes = 1 + n_e + n_a
    if use_ext:
        ext_apps = np.flatnonzero(d.need_ext)
        ext_node[ext_apps] = n_nodes + np.arange(len(ext_apps))
        n_nodes += len(ext_apps)

    k_pos = np.maximum(d.k_rem, 0)
    supplies = np.zeros(n_nodes, dtype=np.int64)
    supplies[source] = int(k_pos.sum()) - int(d.lo_rem.sum())
    supplies[expert_node] = d.lo_rem
    supplies[gen_node] = -(k_pos - d.need_ext.astype(np.int64))
    if use_ext:
        supplies[ext_node[d.need_ext]] = -1

    slack = np.maximum(d.hi_rem - d.lo_rem, 0)
    t_parts = [np.full(n_e, source, dtype=np.int64)]
    h_parts = [expert_node]
    c_parts = [slack]
    u_parts = [np.zeros(n_e, dtype=np.int64)]
    pair_cost = icost[rows, cols]
    if not use_ext:
        pair_arcs = n_e + np.arange(n_p)
        t_parts.append(expert_node[rows])
        h_parts.append(gen_node[cols])
        c_parts.append(np.ones(n_p, dtype=np.int64))
        u_parts.append(pair_cost)
    else:
        pair_node = n_nodes + np.arange(n_p)
        n_nodes += n_p
        supplies = np.concatenate([supplies, np.zeros(n_p, dtype=np.int64)])
        pair_arcs = n_e + np.arange(n_p)
        # expert → pair (carries the cost), pair → general slot, pair → external slot (external only)
        ext_pair = np.flatnonzero(d.ext[rows, cols] & d.need_ext[cols])
        t_parts += [expert_node[rows], pair_node, pair_node[ext_pair]]
        h_parts += [pair_node, gen_node[cols], ext_node[cols[ext_pair]]]
        c_parts += [np.ones(n_p, dtype=np.int64)] * 2 + [np.ones(len(ext_pair), dtype=np.int64)]
        u_parts += [pair_cost, np.zeros(n_p, dtype=np.int64), np.zeros(len(ext_pair), dtype=np.int64)]
    return _Network(
        tails=np.concatenate(t_parts).astype(np.int32),
        heads=np.concatenate(h_parts).astype(np.int32),
        caps=np.concatenate(c_parts).astype(np.int64),
        costs=np.concatenate(u_parts).astype(np.int64),
        supplies=supplies,
        pair_arcs=pair_arcs.astype(np.int32),
        pair_rows=rows,
        pair_cols=cols,
        gen_node=gen_node,
        ext_node=ext_node,
        expert_node=expert_node,
    )


def _solve_flow(net: _Network) -> tuple[bool, np.ndarray]:
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(net.tails, net.heads, net.caps, net.costs)
    smcf.set_nodes_supplies(np.arange(len(net.supplies), dtype=np.int32), net.supplies)
    status = smcf.solve()
    if status != smcf.OPTIMAL:
        if status in (smcf.INFEASIBLE, smcf.UNBALANCED):
            return False, np.empty(0, dtype=np.int64)
        raise RuntimeError(f"min-cost flow failed with status {status}")
    flows = np.asarray(smcf.flows(np.arange(len(net.tails), dtype=np.int32)), dtype=np.int64)
    return True, flows


def _potentials(net: _Network, flows: np.ndarray) -> np.ndarray:
    """Shortest distances in the residual graph from a virtual root (0-cost arcs to every node).

    They satisfy d[h] ≤ d[t] + c for every residual arc, so ``c + d[t] − d[h]`` is a valid reduced cost.
    Vectorised Bellman–Ford (Jacobi sweeps) with early exit; an optimal flow has no negative cycle.
    """
    fwd = flows < net.caps
    bwd = flows > 0
    tails = np.concatenate([net.tails[fwd], net.heads[bwd]]).astype(np.int64)
    heads = np.concatenate([net.heads[fwd], net.tails[bwd]]).astype(np.int64)
    costs = np.concatenate([net.costs[fwd], -net.costs[bwd]])
    order = np.argsort(heads, kind="stable")
    tails, heads, costs = tails[order], heads[order], costs[order]
    if len(heads) == 0:
        return np.zeros(len(net.supplies), dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, heads[1:] != heads[:-1]])
    uniq = heads[starts]
    dist = np.zeros(len(net.supplies), dtype=np.int64)
    for _ in range(len(dist) + 1):
        best = np.minimum.reduceat(dist[tails] + costs, starts)
        improved = best < dist[uniq]
        if not improved.any():
            return dist
        dist[uniq[improved]] = best[improved]
    raise RuntimeError("negative cycle in the residual graph: the flow is not optimal")


def _price(d: _Data, net: _Network, flows: np.ndarray, cand: np.ndarray, icost: np.ndarray) -> np.ndarray:
    """Left-out eligible pairs whose reduced cost is negative (they could improve the objective)."""
    dist = _potentials(net, flows)
    out = d.eligible & ~cand
    out[:, d.k_rem <= 0] = False
    if not out.any():
        return out
    de = dist[net.expert_node]
    red = icost + de[:, None] - dist[net.gen_node][None, :]
    viol = out & (red < 0)
    if d.need_ext.any():
        ext_cols = d.need_ext
        red_ext = icost[:, ext_cols] + de[:, None] - dist[net.ext_node[ext_cols]][None, :]
        viol[:, ext_cols] |= out[:, ext_cols] & d.ext[:, ext_cols] & (red_ext < 0)
    return viol


# ---------------------------------------------------------------------------------------------------
# Diagnosis when even the full problem is infeasible


def _diagnose(d: _Data) -> list[Reason]:
    """Explain an infeasible flow through minimum cuts (Hall-type violations), in plain words."""
    E, A = d.experts, d.applications
    n_e, n_a = len(E), len(A)
    rows, cols = np.nonzero(d.eligible)
    k_pos = np.maximum(d.k_rem, 0)
    reasons: list[Reason] = []

    # 1. Ignore minimum loads: can every application get its experts within the maximum loads?
    s, expert_node = 0, 1 + np.arange(n_e)
    gen = 1 + n_e + np.arange(n_a)
    ext = np.full(n_a, -1, dtype=np.int64)
    n_nodes = 1 + n_e + n_a
    ext_apps = np.flatnonzero(d.need_ext)
    ext[ext_apps] = n_nodes + np.arange(len(ext_apps))
    n_nodes += len(ext_apps)
    pair = n_nodes + np.arange(len(rows))
    n_nodes += len(rows)
    t = n_nodes
    ext_pair = np.flatnonzero(d.ext[rows, cols] & d.need_ext[cols])
    gen_cap = k_pos - d.need_ext.astype(np.int64)
    tails = np.concatenate(
        [np.zeros(n_e, dtype=np.int64), expert_node[rows], pair, pair[ext_pair], gen, ext[ext_apps]]
    )
    heads = np.concatenate(
        [expert_node, pair, gen[cols], ext[cols[ext_pair]], np.full(n_a + len(ext_apps), t)]
    )
    caps = np.concatenate(
        [
            np.maximum(d.hi_rem, 0),
            np.ones(2 * len(rows) + len(ext_pair), dtype=np.int64),
            gen_cap,
            np.ones(len(ext_apps), dtype=np.int64),
        ]
    )
    smf = max_flow.SimpleMaxFlow()
    smf.add_arcs_with_capacity(tails.astype(np.int32), heads.astype(np.int32), caps.astype(np.int64))
    smf.solve(s, t)
    demand = int(k_pos.sum())
    flow = int(smf.optimal_flow())
    if flow < demand:
        # Max-flow/min-cut: the demand nodes on the sink side of a minimum cut need more than the cut lets
        # through to them (a Hall-type violation); that set and its shortfall is the explanation.
        sink_side = set(smf.get_sink_side_min_cut())
        short_gen = [j for j in range(n_a) if gen_cap[j] > 0 and int(gen[j]) in sink_side]
        short_ext = [int(j) for j in ext_apps if int(ext[j]) in sink_side]
        apps = sorted(set(short_gen) | set(short_ext))
        need = int(sum(gen_cap[j] for j in short_gen) + len(short_ext))
        in_gen = np.isin(cols, short_gen)
        in_ext = np.isin(cols, short_ext) & d.ext[rows, cols]
        feeders = sorted({int(i) for i in rows[in_gen | in_ext]})
        shortfall = demand - flow
        only_ext = not short_gen
        label = ", ".join(
            f"{A[j]} (its external-expert slot)"
            if j in short_ext and j not in short_gen and not only_ext
            else str(A[j])
            for j in apps[:_LIST_LIMIT]
        )
        if len(apps) > _LIST_LIMIT:
            label += f" and {len(apps) - _LIST_LIMIT} more"
        one = len(apps) == 1
        if only_ext:
            subject = (
                f"application {label} needs an expert from another municipality"
                if one
                else f"applications {label} each need an expert from another municipality ({need} in all)"
            )
            who = f"the {_n(len(feeders), 'external expert')}"
        else:
            subject = f"application {label} needs" if one else f"applications {label} together need"
            subject += f" {_n(need, 'more expert')}"
            who = f"the {_n(len(feeders), 'expert')}"
        reasons.append(
            Reason(
                "hall_applications",
                f"{subject}, but {who} who may review {'it' if one else 'them'}"
                f" ({_ids([E[i] for i in feeders])}) can take "
                f"at most {need - shortfall} of these within their maximum loads: short by {shortfall}",
                {
                    "applications": [A[j] for j in apps],
                    "external_slots": [A[j] for j in short_ext],
                    "needed": need,
                    "possible": need - shortfall,
                    "shortfall": shortfall,
                    "experts": [E[i] for i in feeders],
                },
            )
        )
        return reasons

    # 2. Can the minimum loads be met at all, given how many experts each application takes?
    lo_total = int(d.lo_rem.sum())
    if lo_total:
        tails = np.concatenate([np.zeros(n_e, dtype=np.int64), expert_node[rows], gen])
        heads = np.concatenate([expert_node, gen[cols], np.full(n_a, 1 + n_e + n_a)])
        caps = np.concatenate([d.lo_rem, np.ones(len(rows), dtype=np.int64), k_pos])
        smf = max_flow.SimpleMaxFlow()
        smf.add_arcs_with_capacity(tails.astype(np.int32), heads.astype(np.int32), caps.astype(np.int64))
        smf.solve(0, 1 + n_e + n_a)
        flow = int(smf.optimal_flow())
        if flow < lo_total:
            source_side = set(smf.get_source_side_min_cut())
            experts = [i for i in range(n_e) if d.lo_rem[i] > 0 and int(expert_node[i]) in source_side]
            need = int(d.lo_rem[experts].sum())
            reasons.append(
                Reason(
                    "hall_min_load",
                    f"{'expert' if len(experts) == 1 else 'experts'} {_ids([E[i] for i in experts])} "
                    f"{'needs' if len(experts) == 1 else 'together need'} at least "
                    f"{_n(need, 'more assignment')} (minimum load), but the applications open to "
                    f"{'them' if len(experts) > 1 else 'this expert'} can take at most "
                    f"{need - (lo_total - flow)}: short by {lo_total - flow}",
                    {
                        "experts": [E[i] for i in experts],
                        "needed": need,
                        "possible": need - (lo_total - flow),
                        "shortfall": lo_total - flow,
                    },
                )
            )
            return reasons
    reasons.append(
        Reason(
            "combined",
            "the minimum loads, the maximum loads and the number of experts per application can each be "
            "met, but not all at the same time; lower some min_load or raise some max_load",
        )
    )
    return reasons


# ---------------------------------------------------------------------------------------------------
# Public API


def solve(
    instance: Instance,
    *,
    candidates: int | None = None,
    time_limit: float | None = None,
) -> Result:
    """Return an optimal assignment or raise :class:`Infeasible` with the reasons.

    ``candidates`` is C, the number of best experts per application put into the sparse graph first
    (default ``max(30, 6·max k)``); the result is optimal regardless (pricing adds whatever is needed).
    ``time_limit`` (seconds) is checked between solver rounds (one flow solve cannot be interrupted):
    when it runs out after a complete assignment was found but before pricing proved it optimal, that
    assignment is returned with ``status="feasible"``; when no complete assignment was found yet,
    :class:`TimeLimitExceeded` is raised.
    """
    started = time.perf_counter()
    d = _prepare(instance)
    reasons = _check(d)
    if reasons:
        raise Infeasible(reasons)

    n_e = len(d.experts)
    k_max = int(d.k.max()) if len(d.k) else 0
    c = candidates if candidates is not None else max(30, 6 * k_max)
    if c < 1:
        raise ValueError("candidates must be at least 1")
    added_rows = np.empty(0, dtype=np.int64)
    added_cols = np.empty(0, dtype=np.int64)
    stats: dict[str, Any] = {"rounds": 0, "widened": 0, "priced_in": 0}

    if int(np.maximum(d.k_rem, 0).sum()) > 0:
        scale = _scale(d)
        icost = -np.rint(d.w * scale).astype(np.int64)
        cand = _candidates(d, c)
        feasible: tuple[np.ndarray, np.ndarray] | None = None  # the last complete assignment found
        while True:
            if time_limit is not None and stats["rounds"] and time.perf_counter() - started > time_limit:
                if feasible is not None:
                    # Complete and valid, but pricing has not proved it optimal yet.
                    stats["candidates"] = int(cand.sum())
                    seconds = time.perf_counter() - started
                    return _result(d, feasible[0], feasible[1], "feasible", seconds, stats)
                raise TimeLimitExceeded(
                    f"no feasible assignment found within the time limit of {time_limit:g} s "
                    f"(after {stats['rounds']} solver rounds on {int(cand.sum())} candidate pairs)"
                )
            stats["rounds"] += 1
            net = _build(d, cand, icost)
            ok, flows = _solve_flow(net)
            if not ok:
                if cand.sum() == d.eligible.sum():
                    raise Infeasible(_diagnose(d))
                c = c * 2 if c < n_e else n_e
                stats["widened"] += 1
                cand = _candidates(d, c, widen=2 ** stats["widened"]) | cand
                if c >= n_e:
                    cand = d.eligible.copy()
                continue
            used = flows[net.pair_arcs] > 0
            added_rows, added_cols = net.pair_rows[used], net.pair_cols[used]
            feasible = (added_rows, added_cols)
            viol = _price(d, net, flows, cand, icost)
            n_viol = int(viol.sum())
            if n_viol:
                stats["priced_in"] += n_viol
                cand |= viol
                continue
            stats["candidates"] = int(cand.sum())
            stats["arcs"] = len(net.tails)
            stats["nodes"] = len(net.supplies)
            stats["scale"] = scale
            break

    return _result(d, added_rows, added_cols, "optimal", time.perf_counter() - started, stats)


def _result(
    d: _Data, rows: np.ndarray, cols: np.ndarray, status: str, seconds: float, stats: dict[str, Any]
) -> Result:
    fr, fc = np.nonzero(d.fixed)
    all_r = np.concatenate([fr, rows])
    all_c = np.concatenate([fc, cols])
    objective = float(d.w[all_r, all_c].sum())
    E, A = d.experts, d.applications
    assignment = sorted((E[i], A[j]) for i, j in zip(all_r.tolist(), all_c.tolist(), strict=True))
    added = sorted((E[i], A[j]) for i, j in zip(rows.tolist(), cols.tolist(), strict=True))
    return Result(assignment, objective, seconds, status, added, stats)


def greedy(instance: Instance) -> Result:
    """Baseline: take eligible pairs by decreasing affinity while the application and the expert have room.

    Respects conflicts, fixed pairs, k, maximum loads and (first pass) the external-expert rule; it does
    not try to meet minimum loads. ``status`` is ``"complete"`` when every application got its k experts,
    else ``"incomplete"`` (greedy can paint itself into a corner where the optimum cannot).
    """
    started = time.perf_counter()
    d = _prepare(instance)
    k_left = np.maximum(d.k_rem, 0).tolist()
    cap = np.maximum(d.hi_rem, 0).tolist()
    need_ext = d.need_ext.tolist()
    n_a = len(d.applications)
    taken: set[int] = set()
    rows_out: list[int] = []
    cols_out: list[int] = []

    def take(i: int, j: int, flat: int) -> None:
        taken.add(flat)
        rows_out.append(i)
        cols_out.append(j)
        k_left[j] -= 1
        cap[i] -= 1

    if d.need_ext.any():
        mask = d.eligible & d.ext & d.need_ext[None, :]
        flat = np.flatnonzero(mask)
        open_ext = int(d.need_ext.sum())
        for f in flat[np.argsort(-d.w.ravel()[flat], kind="stable")].tolist():
            i, j = divmod(f, n_a)
            if need_ext[j] and cap[i] > 0:
                take(i, j, f)
                need_ext[j] = False
                open_ext -= 1
                if not open_ext:
                    break
    remaining = sum(k_left)
    if remaining:
        flat = np.flatnonzero(d.eligible)
        order = flat[np.argsort(-d.w.ravel()[flat], kind="stable")]
        for start in range(0, len(order), 65536):  # in chunks: a list of millions of ints is costly
            for f in order[start : start + 65536].tolist():
                i, j = divmod(f, n_a)
                if cap[i] > 0 and k_left[j] - need_ext[j] > 0 and f not in taken:
                    take(i, j, f)
                    remaining -= 1
                    if not remaining:
                        break
            if not remaining:
                break
    status = "complete" if remaining == 0 and not any(need_ext) else "incomplete"
    return _result(
        d,
        np.asarray(rows_out, dtype=np.int64),
        np.asarray(cols_out, dtype=np.int64),
        status,
        time.perf_counter() - started,
        {},
    )
