"""Automatic assignment of experts to applications: plain data in, plain data out.

`propose_assignments(instance)` fills the gaps so that every application has `k` experts, keeping the
assignments that exist, never pairing an expert with an application they are in conflict with, never
giving an expert more than their maximum load, and spreading the work evenly.

It is a min-cost flow solved by successive shortest paths (Dijkstra with potentials):

    source ─(need of the application)→ application ─(1, if no conflict)→ expert ─(1 each, cost = load)→ sink

The expert→sink arcs are parallel unit arcs whose cost grows with the load the expert would reach, so the
cheapest flow is the most balanced one; a maximum flow means no application is left short if any complete
assignment exists. When the flow cannot cover every need, the result lists the applications that lack
experts with the numbers that explain why. The result is deterministic for a given instance.

The affinity-based optimal assignment (a later issue) keeps this boundary: it may put a cost on the
application→expert arcs from `instance.affinity` and solve with OR-Tools.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ExpertCapacity:
    id: int
    #: assignments the expert already has in this contest
    load: int = 0
    #: None: no limit
    max_load: int | None = None


@dataclass(frozen=True)
class ApplicationNeed:
    id: int
    #: experts already assigned (kept as they are)
    assigned: frozenset[int] = frozenset()


@dataclass(frozen=True)
class AssignmentInstance:
    k: int
    applications: tuple[ApplicationNeed, ...]
    experts: tuple[ExpertCapacity, ...]
    #: (application id, expert id) → reason code ("organization", "municipality", "declared")
    conflicts: Mapping[tuple[int, int], str] = field(default_factory=dict)
    #: (application id, expert id) → affinity in [0, 1]; not used by the balanced solver
    affinity: Mapping[tuple[int, int], float] = field(default_factory=dict)


@dataclass(frozen=True)
class Shortfall:
    application_id: int
    #: experts still missing
    missing: int
    #: members who could in principle take it (no conflict, not yet assigned)
    candidates: int
    #: members in conflict with the application, by reason code
    conflicts: Mapping[str, int]
    #: candidates who have reached their maximum load
    at_max_load: int


@dataclass(frozen=True)
class AssignmentProposal:
    #: new (application id, expert id) pairs, sorted
    pairs: tuple[tuple[int, int], ...]
    shortfalls: tuple[Shortfall, ...]
    #: expert id → load after the proposal
    loads: Mapping[int, int]

    @property
    def complete(self) -> bool:
        return not self.shortfalls


class _Graph:
    def __init__(self, size: int) -> None:
        self.adj: list[list[int]] = [[] for _ in range(size)]
        self.to: list[int] = []
        self.cap: list[int] = []
        self.cost: list[int] = []

    def add(self, u: int, v: int, cap: int, cost: int) -> int:
        self.adj[u].append(len(self.to))
        self.to.append(v)
        self.cap.append(cap)
        self.cost.append(cost)
        self.adj[v].append(len(self.to))
        self.to.append(u)
        self.cap.append(0)
        self.cost.append(-cost)
        return len(self.to) - 2

    def min_cost_flow(self, source: int, sink: int) -> int:
        """Push as much flow as possible at the least cost; returns the flow. Costs must be ≥ 0."""
        size = len(self.adj)
        potential = [0] * size
        flow = 0
        inf = float("inf")
        while True:
            dist: list[float] = [inf] * size
            previous_edge = [-1] * size
            dist[source] = 0
            heap: list[tuple[float, int]] = [(0, source)]
            while heap:
                d, u = heapq.heappop(heap)
                if d > dist[u]:
                    continue
                for e in self.adj[u]:
                    if self.cap[e] <= 0:
                        continue
                    v = self.to[e]
                    nd = d + self.cost[e] + potential[u] - potential[v]
                    if nd < dist[v]:
                        dist[v] = nd
                        previous_edge[v] = e
                        heapq.heappush(heap, (nd, v))
            if dist[sink] == inf:
                return flow
            for node in range(size):
                if dist[node] < inf:
                    potential[node] += int(dist[node])
            # bottleneck along the path
            push = None
            v = sink
            while v != source:
                e = previous_edge[v]
                push = self.cap[e] if push is None else min(push, self.cap[e])
                v = self.to[e ^ 1]
            assert push
            v = sink
            while v != source:
                e = previous_edge[v]
                self.cap[e] -= push
                self.cap[e ^ 1] += push
                v = self.to[e ^ 1]
            flow += push


def propose_assignments(instance: AssignmentInstance) -> AssignmentProposal:
    applications = sorted(instance.applications, key=lambda a: a.id)
    experts = sorted(instance.experts, key=lambda e: e.id)
    member_ids = {e.id for e in experts}
    needs = {a.id: max(0, instance.k - len(a.assigned & member_ids)) for a in applications}

    source = 0
    app_node = {a.id: 1 + i for i, a in enumerate(applications)}
    expert_node = {e.id: 1 + len(applications) + i for i, e in enumerate(experts)}
    sink = 1 + len(applications) + len(experts)
    graph = _Graph(sink + 1)

    for a in applications:
        if needs[a.id]:
            graph.add(source, app_node[a.id], needs[a.id], 0)
    pair_edges: dict[int, tuple[int, int]] = {}
    for a in applications:
        if not needs[a.id]:
            continue
        for e in experts:
            if e.id in a.assigned or (a.id, e.id) in instance.conflicts:
                continue
            pair_edges[graph.add(app_node[a.id], expert_node[e.id], 1, 0)] = (a.id, e.id)
    for e in experts:
        room = len(applications) if e.max_load is None else max(0, e.max_load - e.load)
        for j in range(room):
            # the (load + j + 1)-th assignment costs load + j: convex, so the flow balances the loads
            graph.add(expert_node[e.id], sink, 1, e.load + j)
    graph.min_cost_flow(source, sink)

    pairs = sorted(pair for edge, pair in pair_edges.items() if graph.cap[edge] == 0)
    loads = {e.id: e.load for e in experts}
    got: dict[int, int] = {}
    for app_id, expert_id in pairs:
        loads[expert_id] += 1
        got[app_id] = got.get(app_id, 0) + 1

    shortfalls = []
    for a in applications:
        missing = needs[a.id] - got.get(a.id, 0)
        if missing <= 0:
            continue
        conflicts: dict[str, int] = {}
        candidates = 0
        full = 0
        for e in experts:
            if e.id in a.assigned:
                continue
            reason = instance.conflicts.get((a.id, e.id))
            if reason:
                conflicts[reason] = conflicts.get(reason, 0) + 1
                continue
            if (a.id, e.id) in pairs:
                continue
            candidates += 1
            if e.max_load is not None and loads[e.id] >= e.max_load:
                full += 1
        shortfalls.append(
            Shortfall(
                application_id=a.id,
                missing=missing,
                candidates=candidates,
                conflicts=conflicts,
                at_max_load=full,
            )
        )
    return AssignmentProposal(pairs=tuple(pairs), shortfalls=tuple(shortfalls), loads=loads)
