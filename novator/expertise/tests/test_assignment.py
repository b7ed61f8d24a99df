"""The balanced, conflict-free automatic assignment (pure: novator.expertise.assignment)."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from novator.expertise.assignment import (
    ApplicationNeed,
    AssignmentInstance,
    ExpertCapacity,
    propose_assignments,
)


def instance(apps=4, experts=4, k=2, conflicts=None, max_load=None, assigned=None, load=None):
    assigned = assigned or {}
    return AssignmentInstance(
        k=k,
        applications=tuple(ApplicationNeed(a, frozenset(assigned.get(a, ()))) for a in range(1, apps + 1)),
        experts=tuple(
            ExpertCapacity(e, (load or {}).get(e, 0), (max_load or {}).get(e))
            for e in range(101, 101 + experts)
        ),
        conflicts=conflicts or {},
    )


def final_pairs(inst, proposal):
    existing = {(a.id, e) for a in inst.applications for e in a.assigned}
    return existing | set(proposal.pairs)


def test_every_application_gets_k_experts_and_loads_are_balanced():
    inst = instance(apps=6, experts=4, k=2)
    proposal = propose_assignments(inst)
    assert proposal.complete
    pairs = final_pairs(inst, proposal)
    for a in range(1, 7):
        assert len({e for app, e in pairs if app == a}) == 2
    loads = [sum(1 for _, e in pairs if e == expert) for expert in range(101, 105)]
    assert sorted(loads) == [3, 3, 3, 3]


def test_conflicts_are_never_assigned():
    conflicts = {(1, 101): "organization", (1, 102): "declared", (2, 103): "municipality"}
    inst = instance(apps=3, experts=4, k=2, conflicts=conflicts)
    proposal = propose_assignments(inst)
    assert proposal.complete
    assert not set(proposal.pairs) & set(conflicts)


def test_max_load_is_respected_and_existing_assignments_are_kept():
    inst = instance(
        apps=4, experts=3, k=2, max_load={101: 1, 102: 4, 103: 4}, assigned={1: {101}}, load={101: 1}
    )
    proposal = propose_assignments(inst)
    assert proposal.complete
    assert all(e != 101 for _a, e in proposal.pairs)  # already at its maximum of 1
    assert (1, 101) not in proposal.pairs  # kept, not re-proposed
    assert proposal.loads == {101: 1, 102: 4, 103: 3}


def test_deterministic():
    inst = instance(apps=7, experts=5, k=3, conflicts={(3, 102): "declared"})
    assert propose_assignments(inst) == propose_assignments(inst)


def test_impossible_instance_is_explained_not_silently_under_assigned():
    # application 1: two of three experts in conflict; the third is at its maximum load
    inst = instance(
        apps=2,
        experts=3,
        k=2,
        conflicts={(1, 101): "organization", (1, 102): "municipality"},
        max_load={103: 0},
    )
    proposal = propose_assignments(inst)
    assert not proposal.complete
    by_app = {s.application_id: s for s in proposal.shortfalls}
    assert set(by_app) == {1}  # application 2 gets experts 101 and 102
    short = by_app[1]
    assert short.missing == 2
    assert short.conflicts == {"organization": 1, "municipality": 1}
    assert short.at_max_load == 1
    assert set(proposal.pairs) == {(2, 101), (2, 102)}


def test_too_few_members():
    proposal = propose_assignments(instance(apps=1, experts=1, k=3))
    (short,) = proposal.shortfalls
    assert short.missing == 2 and short.candidates == 0 and not short.conflicts


def test_a_greedy_trap_is_solved():
    """Greedy by load would give expert 101 to application 1 and leave application 2 without anyone;
    the flow finds the complete assignment."""
    inst = instance(apps=2, experts=2, k=1, conflicts={(2, 102): "declared"}, max_load={101: 1, 102: 1})
    proposal = propose_assignments(inst)
    assert proposal.complete
    assert set(proposal.pairs) == {(1, 102), (2, 101)}


# --- invariants against brute force on small instances -------------------------------------------


@st.composite
def small_instances(draw):
    apps = draw(st.integers(1, 4))
    experts = draw(st.integers(1, 4))
    k = draw(st.integers(1, 2))
    conflicts = {
        (a, e): "declared"
        for a in range(1, apps + 1)
        for e in range(101, 101 + experts)
        if draw(st.booleans()) and draw(st.booleans())
    }
    max_load = {e: draw(st.one_of(st.none(), st.integers(0, 3))) for e in range(101, 101 + experts)}
    return instance(apps=apps, experts=experts, k=k, conflicts=conflicts, max_load=max_load)


def best_possible(inst) -> int:
    """The largest number of pairs any valid assignment can have (brute force)."""
    candidates = [
        (a.id, e.id) for a in inst.applications for e in inst.experts if (a.id, e.id) not in inst.conflicts
    ]
    limit = {e.id: e.max_load for e in inst.experts}
    for size in range(min(len(candidates), inst.k * len(inst.applications)), -1, -1):
        for combo in itertools.combinations(candidates, size):
            per_app: dict[int, int] = {}
            per_expert: dict[int, int] = {}
            for a, e in combo:
                per_app[a] = per_app.get(a, 0) + 1
                per_expert[e] = per_expert.get(e, 0) + 1
            if all(n <= inst.k for n in per_app.values()) and all(
                limit[e] is None or n <= limit[e] for e, n in per_expert.items()
            ):
                return size
    return 0


@settings(max_examples=150, deadline=None)
@given(inst=small_instances())
def test_invariants(inst):
    proposal = propose_assignments(inst)
    pairs = set(proposal.pairs)
    assert len(pairs) == len(proposal.pairs)  # no pair twice
    assert not pairs & set(inst.conflicts)
    for e in inst.experts:
        load = sum(1 for _a, x in pairs if x == e.id)
        assert e.max_load is None or load <= e.max_load
    for a in inst.applications:
        assert sum(1 for x, _e in pairs if x == a.id) <= inst.k
    # as many pairs as any valid assignment could have: nobody is left short for nothing
    assert len(pairs) == best_possible(inst)
    missing = sum(s.missing for s in proposal.shortfalls)
    assert missing == inst.k * len(inst.applications) - len(pairs)
