"""Infeasibility in plain words: the necessary conditions first, then minimum cuts (Hall-type violations)."""

from __future__ import annotations

import numpy as np
from ortools.graph.python import max_flow

from .data import _LIST_LIMIT, Reason, _Data, _ids, _n

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
# Diagnosis when even the full problem is infeasible


def _hall_applications(
    d: _Data,
    apps: list[int],
    short_gen: list[int],
    short_ext: list[int],
    need: int,
    feeders: list[int],
    shortfall: int,
) -> Reason:
    """The applications on the sink side of a minimum cut and the experts who feed them, in words."""
    E, A = d.experts, d.applications
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
    return Reason(
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


def _min_load_shortfall(
    d: _Data,
    rows: np.ndarray,
    cols: np.ndarray,
    expert_node: np.ndarray,
    gen: np.ndarray,
    k_pos: np.ndarray,
) -> Reason | None:
    """The experts whose minimum loads the applications open to them cannot fill (a minimum cut), or None."""
    E = d.experts
    n_e, n_a = len(d.experts), len(d.applications)
    lo_total = int(d.lo_rem.sum())
    if not lo_total:
        return None
    tails = np.concatenate([np.zeros(n_e, dtype=np.int64), expert_node[rows], gen])
    heads = np.concatenate([expert_node, gen[cols], np.full(n_a, 1 + n_e + n_a)])
    caps = np.concatenate([d.lo_rem, np.ones(len(rows), dtype=np.int64), k_pos])
    smf = max_flow.SimpleMaxFlow()
    smf.add_arcs_with_capacity(tails.astype(np.int32), heads.astype(np.int32), caps.astype(np.int64))
    smf.solve(0, 1 + n_e + n_a)
    flow = int(smf.optimal_flow())
    if flow >= lo_total:
        return None
    source_side = set(smf.get_source_side_min_cut())
    experts = [i for i in range(n_e) if d.lo_rem[i] > 0 and int(expert_node[i]) in source_side]
    need = int(d.lo_rem[experts].sum())
    return Reason(
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
        reasons.append(_hall_applications(d, apps, short_gen, short_ext, need, feeders, demand - flow))
        return reasons

    # 2. Can the minimum loads be met at all, given how many experts each application takes?
    min_load = _min_load_shortfall(d, rows, cols, expert_node, gen, k_pos)
    if min_load is not None:
        reasons.append(min_load)
        return reasons
    reasons.append(
        Reason(
            "combined",
            "the minimum loads, the maximum loads and the number of experts per application can each be "
            "met, but not all at the same time; lower some min_load or raise some max_load",
        )
    )
    return reasons
