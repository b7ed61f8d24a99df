"""The min-cost-flow assignment: constraints always hold, the objective is the exact optimum, and an
impossible instance is explained in plain words instead of being under-assigned."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, linear_sum_assignment, milp

from novator.expertise.assignment.solver import Infeasible, Instance, TimeLimitExceeded, greedy, solve

# --------------------------------------------------------------------------------------------------
# Independent exact references


def per_id(value, key):
    return value[key] if isinstance(value, dict) else value


def milp_optimum(inst, w):
    """Exact optimum by integer programming (scipy HiGHS), or None when infeasible.

    Handles everything the solver handles: k, min/max load, conflicts, fixed pairs, the external rule.
    """
    E, A = list(inst.experts), list(inst.applications)
    n_e, n_a = len(E), len(A)
    n = n_e * n_a
    var = np.arange(n).reshape(n_e, n_a)
    k = [per_id(inst.k, a) for a in A]
    lo = [per_id(inst.min_load, e) for e in E]
    hi = [per_id(inst.max_load, e) for e in E]
    upper = np.ones(n)
    lower = np.zeros(n)
    for e, a in inst.conflicts:
        upper[var[E.index(e), A.index(a)]] = 0
    for e, a in inst.fixed:
        lower[var[E.index(e), A.index(a)]] = 1
    rows, lbs, ubs = [], [], []
    for j in range(n_a):
        row = np.zeros(n)
        row[var[:, j]] = 1
        rows.append(row)
        lbs.append(k[j])
        ubs.append(k[j])
    for i in range(n_e):
        row = np.zeros(n)
        row[var[i, :]] = 1
        rows.append(row)
        lbs.append(lo[i])
        ubs.append(hi[i])
    if inst.require_external:
        for j, a in enumerate(A):
            row = np.zeros(n)
            for i, e in enumerate(E):
                if inst.expert_municipality[e] != inst.application_municipality[a]:
                    row[var[i, j]] = 1
            rows.append(row)
            lbs.append(1 if k[j] > 0 else 0)
            ubs.append(np.inf)
    if np.any(lower > upper):
        return None
    res = milp(
        -w.ravel(),
        constraints=LinearConstraint(np.array(rows), lbs, ubs),
        integrality=np.ones(n),
        bounds=Bounds(lower, upper),
    )
    return None if res.status != 0 else float(-res.fun)


def lsa_optimum(w: np.ndarray, conflict: np.ndarray, max_load: int) -> float:
    """k = 1: replicate each expert max_load times and solve the rectangular assignment problem.

    (With k > 1 the expanded matrix would allow one expert twice on the same application, so this
    reference is exact only for k = 1; the MILP above covers the general case.)
    """
    big = -1e6
    m = np.repeat(np.where(conflict, big, w), max_load, axis=0)
    r, c = linear_sum_assignment(m, maximize=True)
    assert (m[r, c] > big / 2).all()
    return float(m[r, c].sum())


# --------------------------------------------------------------------------------------------------
# Random instances


@st.composite
def instances(draw, external: bool | None = None, with_min: bool = True, with_fixed: bool = True):
    n_e = draw(st.integers(2, 7))
    n_a = draw(st.integers(1, 9))
    k = draw(st.integers(1, min(3, n_e)))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    experts = [int(x) for x in rng.choice(1000, size=n_e, replace=False)]
    apps = [int(x) for x in rng.choice(1000, size=n_a, replace=False)]
    w = np.round(rng.random((n_e, n_a)), 3)
    conflict = rng.random((n_e, n_a)) < draw(st.sampled_from([0.0, 0.1, 0.25]))
    need = -(-n_a * k // n_e)
    max_load = need + draw(st.integers(0, 2))
    min_load = draw(st.integers(0, max(0, n_a * k // n_e - 1))) if with_min else 0
    req = draw(st.booleans()) if external is None else external
    em = {e: int(rng.integers(0, 3)) for e in experts}
    am = {a: int(rng.integers(0, 3)) for a in apps}
    fixed = set()
    if with_fixed and draw(st.booleans()):
        for j, a in enumerate(apps):
            i = int(rng.integers(0, n_e))
            if not conflict[i, j] and rng.random() < 0.3:
                fixed.add((experts[i], a))
    inst = Instance(
        experts=experts,
        applications=apps,
        affinity={(experts[i], apps[j]): float(w[i, j]) for i in range(n_e) for j in range(n_a)},
        conflicts={(experts[i], apps[j]) for i, j in zip(*np.nonzero(conflict), strict=True)},
        k=k,
        min_load=min_load,
        max_load=max_load,
        fixed=fixed,
        expert_municipality=em,
        application_municipality=am,
        require_external=req,
    )
    return inst, w


def check_constraints(inst, result):
    pairs = result.assignment
    assert len(pairs) == len(set(pairs)), "an expert twice on the same application"
    assert not set(pairs) & set(inst.conflicts), "a conflict was assigned"
    assert set(inst.fixed) <= set(pairs), "a fixed pair was dropped"
    per_app = Counter(a for _, a in pairs)
    per_expert = Counter(e for e, _ in pairs)
    for a in inst.applications:
        assert per_app[a] == per_id(inst.k, a)
    for e in inst.experts:
        assert per_id(inst.min_load, e) <= per_expert[e] <= per_id(inst.max_load, e)
    if inst.require_external:
        for a in inst.applications:
            assert any(
                inst.expert_municipality[e] != inst.application_municipality[a] for e, b in pairs if b == a
            ), f"application {a} has no external expert"


# --------------------------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(instances(), st.integers(1, 4))
def test_random_instances_respect_every_constraint_and_match_the_milp_optimum(case, candidates):
    inst, w = case
    reference = milp_optimum(inst, w)
    try:
        result = solve(inst, candidates=candidates)
    except Infeasible as exc:
        assert reference is None, f"declared infeasible but the MILP found {reference}: {exc}"
        assert exc.reasons and all(r.message for r in exc.reasons)
        return
    assert reference is not None, "solved an instance the MILP calls infeasible"
    check_constraints(inst, result)
    assert result.status == "optimal"
    assert result.objective == pytest.approx(reference, abs=1e-6)
    assert result.objective == pytest.approx(
        sum(w[inst.experts.index(e), inst.applications.index(a)] for e, a in result.assignment)
    )


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 8), st.integers(1, 12), st.integers(0, 2**32 - 1))
def test_k1_objective_equals_linear_sum_assignment_on_the_expanded_matrix(n_e, n_a, seed):
    rng = np.random.default_rng(seed)
    w = rng.random((n_e, n_a))
    conflict = rng.random((n_e, n_a)) < 0.2
    conflict[0] = False  # expert 0 may review anything, so the instance stays feasible
    max_load = -(-n_a // n_e) + 1
    inst = Instance(
        experts=list(range(n_e)),
        applications=list(range(n_a)),
        affinity=w,
        conflicts={(int(i), int(j)) for i, j in zip(*np.nonzero(conflict), strict=True)},
        k=1,
        max_load=dict.fromkeys(range(n_e), max_load) | {0: n_a},
    )
    result = solve(inst, candidates=1)
    check_constraints(inst, result)
    expanded = np.vstack([np.repeat(w[:1], n_a, axis=0), np.repeat(w[1:], max_load, axis=0)])
    blocked = np.vstack([np.repeat(conflict[:1], n_a, axis=0), np.repeat(conflict[1:], max_load, axis=0)])
    r, c = linear_sum_assignment(np.where(blocked, -1e6, expanded), maximize=True)
    assert result.objective == pytest.approx(float(expanded[r, c].sum()), abs=1e-6)


@settings(max_examples=60, deadline=None)
@given(instances(with_min=False, with_fixed=False, external=False))
def test_greedy_never_beats_the_optimum_and_respects_hard_constraints(case):
    inst, _ = case
    try:
        best = solve(inst)
    except Infeasible:
        return
    base = greedy(inst)
    assert not set(base.assignment) & set(inst.conflicts)
    per_expert = Counter(e for e, _ in base.assignment)
    assert all(per_expert[e] <= inst.max_load for e in inst.experts)
    assert all(n <= inst.k for n in Counter(a for _, a in base.assignment).values())
    if base.status == "complete":
        assert base.objective <= best.objective + 1e-9


def test_greedy_is_beaten_where_taking_the_best_pair_first_is_a_mistake():
    # Greedy gives expert 1 to application 10 (0.9) and leaves application 20 with expert 2 (0.1);
    # the optimum swaps: 1→20 (0.8) and 2→10 (0.85).
    inst = Instance(
        [1, 2], [10, 20], {(1, 10): 0.9, (1, 20): 0.8, (2, 10): 0.85, (2, 20): 0.1}, k=1, max_load=1
    )
    assert greedy(inst).objective == pytest.approx(1.0)
    assert solve(inst).objective == pytest.approx(1.65)
    assert solve(inst).assignment == [(1, 20), (2, 10)]


def popular_instance(n_e=60, n_a=240, seed=3):
    """A few experts are the best match for everything: the top-C lists collide and pricing must act."""
    rng = np.random.default_rng(seed)
    w = rng.random((n_e, n_a)) * rng.random(n_e)[:, None] ** 3
    return Instance(list(range(n_e)), list(range(n_a)), sp.csr_matrix(w), k=3, max_load=14), w


def test_sparse_candidates_plus_pricing_give_the_full_optimum():
    inst, _ = popular_instance()
    narrow = solve(inst, candidates=1)
    full = solve(inst, candidates=10_000)
    assert narrow.stats["rounds"] > 1 and narrow.stats["priced_in"] > 0
    assert narrow.objective == pytest.approx(full.objective, abs=1e-6)
    check_constraints(inst, narrow)


def test_time_limit_after_a_complete_assignment_returns_it_as_feasible():
    inst, _ = popular_instance()
    optimum = solve(inst).objective
    assert solve(inst, candidates=5).stats["widened"] == 0
    result = solve(inst, candidates=5, time_limit=1e-9)  # first round feasible, pricing not finished
    assert result.status == "feasible"
    check_constraints(inst, result)
    assert result.objective <= optimum + 1e-9


def test_time_limit_before_any_complete_assignment_is_an_error():
    # Expert 0 is everybody's first choice and every expert prefers applications 0 and 1, so the first
    # sparse graph leaves applications 2..9 with expert 0 alone: infeasible until widened.
    w = np.zeros((10, 10))
    w[:, :2] += 10
    w[0] += 1
    inst = Instance(list(range(10)), list(range(10)), w, k=1, max_load=1)
    assert solve(inst, candidates=1).stats["widened"] > 0
    with pytest.raises(TimeLimitExceeded, match="no feasible assignment found within the time limit"):
        solve(inst, candidates=1, time_limit=1e-9)


def test_affinity_as_mapping_matrix_and_sparse_matrix_agree():
    rng = np.random.default_rng(5)
    w = rng.random((4, 6))
    E, A = [7, 8, 9, 10], [1, 2, 3, 4, 5, 6]
    as_map = {(E[i], A[j]): w[i, j] for i in range(4) for j in range(6)}
    results = [
        solve(Instance(E, A, aff, k=2, max_load=3)) for aff in (as_map, w, sp.csr_matrix(w), sp.csr_array(w))
    ]
    assert len({tuple(r.assignment) for r in results}) == 1


def test_per_application_k_and_per_expert_loads():
    E, A = [1, 2, 3, 4], [10, 20, 30]
    w = np.arange(12, dtype=float).reshape(4, 3) / 12
    inst = Instance(
        E, A, w, k={10: 1, 20: 2, 30: 3}, min_load={1: 2, 2: 0, 3: 0, 4: 1}, max_load={1: 2, 2: 1, 3: 3, 4: 1}
    )
    result = solve(inst)
    check_constraints(inst, result)
    assert milp_optimum(inst, w) == pytest.approx(result.objective)


def test_fixed_pairs_are_kept_and_rerunning_only_fills_the_gaps():
    inst, _ = popular_instance(20, 40)
    first = solve(inst)
    keep = set(first.assignment[::3])
    again = solve(Instance(inst.experts, inst.applications, inst.affinity, k=3, max_load=14, fixed=keep))
    assert keep <= set(again.assignment)
    assert set(again.added) == set(again.assignment) - keep
    assert len(again.assignment) == 3 * 40
    # Keeping pairs of an optimal solution fixed cannot make the optimum worse.
    assert again.objective == pytest.approx(first.objective)

    # A worse manual choice is respected too: the solver works around it.
    worst = {(j % 20, j) for j in range(40)}  # round robin, blind to affinity
    forced = solve(Instance(inst.experts, inst.applications, inst.affinity, k=3, max_load=14, fixed=worst))
    assert worst <= set(forced.assignment)
    assert forced.objective < first.objective


def test_external_rule_gives_every_application_an_expert_from_another_municipality():
    # Without the rule the best experts all come from the application's own municipality.
    E, A = [1, 2, 3, 4], [10, 20]
    w = {(1, 10): 0.9, (2, 10): 0.8, (3, 10): 0.1, (1, 20): 0.9, (2, 20): 0.8, (4, 20): 0.2}
    muni_e = {1: "m1", 2: "m1", 3: "m2", 4: "m3"}
    muni_a = {10: "m1", 20: "m1"}
    plain = solve(Instance(E, A, w, k=2, max_load=2))
    assert set(plain.assignment) == {(1, 10), (2, 10), (1, 20), (2, 20)}
    inst = Instance(
        E,
        A,
        w,
        k=2,
        max_load=2,
        expert_municipality=muni_e,
        application_municipality=muni_a,
        require_external=True,
    )
    result = solve(inst)
    check_constraints(inst, result)
    assert (3, 10) in result.assignment and (4, 20) in result.assignment


def test_external_rule_never_puts_one_expert_in_both_slots():
    # Expert 1 is the only external one and the best by far; the application needs 2 distinct experts.
    inst = Instance(
        [1, 2, 3],
        [10],
        {(1, 10): 1.0, (2, 10): 0.2, (3, 10): 0.1},
        k=2,
        max_load=2,
        expert_municipality={1: 2, 2: 1, 3: 1},
        application_municipality={10: 1},
        require_external=True,
    )
    assert solve(inst).assignment == [(1, 10), (2, 10)]


def test_a_fixed_external_expert_satisfies_the_rule():
    inst = Instance(
        [1, 2, 3],
        [10],
        {(1, 10): 0.0, (2, 10): 0.9, (3, 10): 0.8},
        k=2,
        max_load=1,
        fixed={(1, 10)},
        expert_municipality={1: 2, 2: 1, 3: 1},
        application_municipality={10: 1},
        require_external=True,
    )
    assert solve(inst).assignment == [(1, 10), (2, 10)]


# --------------------------------------------------------------------------------------------------
# Infeasibility, in plain words


def reasons_of(inst: Instance) -> list[str]:
    with pytest.raises(Infeasible) as info:
        solve(inst)
    assert str(info.value).startswith("The assignment is infeasible")
    return [r.message for r in info.value.reasons]


def test_total_demand_above_total_capacity():
    inst = Instance(list(range(10)), list(range(40)), {}, k=3, max_load=10)
    assert reasons_of(inst) == ["total demand Σk = 120 exceeds total capacity Σmax_load = 100 by 20"]


def test_application_with_too_few_non_conflicted_experts():
    conflicts = {(e, 17) for e in range(1, 5)}
    inst = Instance(list(range(5)), [16, 17], {}, conflicts=conflicts, k=3, max_load=5)
    assert reasons_of(inst) == ["application 17 has only 1 available non-conflicted expert but needs 3"]


def test_application_without_an_external_expert():
    inst = Instance(
        [1, 2, 3],
        [9, 10],
        {},
        conflicts={(3, 9)},
        k=1,
        max_load=2,
        expert_municipality={1: "A", 2: "A", 3: "B"},
        application_municipality={9: "A", 10: "A"},
        require_external=True,
    )
    assert reasons_of(inst) == [
        "application 9 has no external expert available "
        "(no non-conflicted expert from another municipality with free capacity)"
    ]


def test_min_loads_above_total_demand():
    inst = Instance([1, 2, 3], [1, 2], {}, k=2, min_load=2, max_load=3)
    assert reasons_of(inst) == ["total minimum load Σmin_load = 6 exceeds total demand Σk = 4 by 2"]


def test_fixed_pair_that_is_a_conflict():
    inst = Instance([1, 2], [5], {}, conflicts={(1, 5)}, fixed={(1, 5)}, k=1, max_load=1)
    assert reasons_of(inst) == ["the fixed pair (expert 1, application 5) is a conflict of interest"]


def test_fixed_pairs_beyond_k_or_max_load():
    inst = Instance([1, 2], [5, 6], {}, fixed={(1, 5), (2, 5), (1, 6)}, k=1, max_load=1)
    assert reasons_of(inst) == [
        "application 5 has 2 fixed experts but k = 1",
        "expert 1 has 2 fixed assignments but max_load = 1",
    ]


def test_min_load_above_max_load_and_unreachable_min_load():
    assert reasons_of(Instance([1, 2], [5, 6], {}, k=1, min_load={1: 3, 2: 0}, max_load={1: 2, 2: 2})) == [
        "expert 1 has min_load 3 above max_load 2"
    ]
    conflicts = {(1, 6), (1, 7)}
    inst = Instance([1, 2], [5, 6, 7], {}, conflicts=conflicts, k=1, min_load={1: 2, 2: 0}, max_load=3)
    assert reasons_of(inst) == [
        "expert 1 needs a minimum load of 2 more but only 1 applications are available to them"
    ]


def test_hall_violation_found_by_the_flow_is_named_with_its_shortfall():
    # Every necessary condition holds one by one, but applications 1 and 2 can only be reviewed by
    # experts 1 and 2, who take one application each: together they need 4, get at most 2.
    conflicts = {(e, a) for e in (3, 4) for a in (1, 2)}
    inst = Instance([1, 2, 3, 4], [1, 2, 3], {}, conflicts=conflicts, k=2, max_load={1: 1, 2: 1, 3: 2, 4: 2})
    (message,) = reasons_of(inst)
    assert message == (
        "applications 1, 2 together need 4 more experts, but the 2 experts who may review them (1, 2) "
        "can take at most 2 of these within their maximum loads: short by 2"
    )


def test_external_slots_competing_for_one_external_expert():
    inst = Instance(
        [1, 2, 3],
        [10, 20],
        {},
        k=1,
        max_load={1: 2, 2: 2, 3: 1},
        expert_municipality={1: "A", 2: "A", 3: "B"},
        application_municipality={10: "A", 20: "A"},
        require_external=True,
    )
    (message,) = reasons_of(inst)
    assert message == (
        "applications 10, 20 each need an expert from another municipality (2 in all), but the 1 external "
        "expert who may review them (3) can take at most 1 of these within their maximum loads: short by 1"
    )


def test_min_loads_that_cannot_be_met_together():
    # Experts 1 and 2 each need 2 assignments, but only application 5 (k = 3) is open to them.
    conflicts = {(e, a) for e in (1, 2) for a in (6, 7)}
    inst = Instance(
        [1, 2, 3],
        [5, 6, 7],
        {},
        conflicts=conflicts,
        k={5: 3, 6: 1, 7: 1},
        min_load={1: 2, 2: 2, 3: 0},
        max_load=3,
    )
    messages = reasons_of(inst)
    assert messages == [
        "expert 1 needs a minimum load of 2 more but only 1 applications are available to them",
        "expert 2 needs a minimum load of 2 more but only 1 applications are available to them",
    ]
    # Each expert alone could reach 2 (applications 5 and 6), but together they need 4 and get 2.
    conflicts = {(e, a) for e in (1, 2) for a in (7, 8)}
    inst = Instance(
        [1, 2, 3, 4],
        [5, 6, 7, 8],
        {},
        conflicts=conflicts,
        k={5: 1, 6: 1, 7: 2, 8: 2},
        min_load={1: 2, 2: 2, 3: 0, 4: 0},
        max_load=4,
    )
    (message,) = reasons_of(inst)
    assert message == (
        "experts 1, 2 together need at least 4 more assignments (minimum load), but the applications open "
        "to them can take at most 2: short by 2"
    )


def test_bad_input_is_a_value_error_naming_the_problem():
    with pytest.raises(ValueError, match="unknown experts or applications"):
        solve(Instance([1], [1], {(2, 1): 0.5}, k=1))
    with pytest.raises(ValueError, match="no value for 2"):
        solve(Instance([1], [1, 2], {}, k={1: 1}))
    with pytest.raises(ValueError, match="must not be negative"):
        solve(Instance([1], [1], {}, k=1, max_load=-1))
    with pytest.raises(ValueError, match="shape"):
        solve(Instance([1, 2], [1], np.zeros((1, 2)), k=1))
    with pytest.raises(ValueError, match="NaN"):
        solve(Instance([1], [1], {(1, 1): float("nan")}, k=1))
    with pytest.raises(ValueError, match="duplicate"):
        solve(Instance([1, 1], [1], {}, k=1))


def test_nothing_to_assign_returns_the_fixed_pairs():
    result = solve(Instance([1, 2], [5], {(1, 5): 0.5}, k=1, fixed={(1, 5)}))
    assert result.assignment == [(1, 5)] and result.added == [] and result.objective == 0.5


def test_benchmark_small_run_matches_the_lp_and_beats_greedy():
    from bench.assignment_bench import run

    report = run("small")
    assert report["assigned"] == 3 * report["applications"]
    assert report["max_load_used"] <= report["max_load"]
    assert report["subsample"]["ratio_to_lp"] == pytest.approx(1.0, abs=1e-9)
    assert report["ratio_to_greedy"] >= 1.0
    assert report["ratio_to_upper_bound"] <= 1.0
