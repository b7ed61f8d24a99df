"""The min-cost flow on sparse candidates, and the pricing that proves it optimal for the full problem."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

from .data import _Data

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
