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
from typing import Any

import numpy as np

from .data import Infeasible, Instance, Reason, Result, TimeLimitExceeded, _Data, _prepare
from .explain import _check, _diagnose
from .flow import _build, _candidates, _price, _scale, _solve_flow

__all__ = [
    "Infeasible",
    "Instance",
    "Reason",
    "Result",
    "TimeLimitExceeded",
    "greedy",
    "solve",
]


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
