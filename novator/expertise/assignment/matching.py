"""From the database to the solver: what the optimal assignment of one contest is computed from.

    data = load_contest(contest)          # a constant number of queries
    model = data.fit()                    # AffinityModel: experts × applications
    instance = data.instance(model)       # solver.Instance, the existing assignments fixed
    data.why(model, expert_id, application_id)  # the shared terms, topics and kind behind a pair

**Texts.** An application is its project title and all its text sections. An expert is their short bio,
their declared topics and the texts of their past reviews (the conclusions and comments of the sheets
they submitted in other contests, newest first, up to `REVIEW_CHARS` characters).

**Topics.** The expert's side: their declared topics and the kinds of organisations they know. The
application's side: the kind of the applicant organisation, and every topic declared by a member of the
commission whose words (Snowball stems) all occur in the application's text. The Jaccard overlap of the
two sets is the topic part of the affinity; the common ones are shown as the «why» of a pair.

**Constraints.** k per application (its category's number, else the contest's); the maximum load of each
member (their own, else ⌈Σk / members⌉ + 1, and never below what they already have); the conflicts of
`conflicts.py` (organisation, own municipality under external expertise or the commission's rule,
declared); the external-expert rule when the contest requires external expertise or the commission's
rule asks for an expert from another municipality; and the existing assignments kept as fixed pairs, so that
solving again only fills the gaps.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from novator.contests.models import Application, Contest

from ..conflicts import conflict_matrix, expert_municipality_id, other_municipality_required
from ..models import Assignment, CommissionMember, ConflictDeclaration, Expert, Score, ScoreSheet
from ..selectors import accepted_applications, commission_for
from . import reasons
from .affinity import AffinityModel, analyze, normalize
from .solver import Instance, Reason

#: weight of the topic overlap in the affinity (the rest is the text similarity)
TOPIC_WEIGHT = 0.3
#: how much of an expert's past reviews counts in their text
REVIEW_CHARS = 20_000
#: shared terms kept per proposed pair
TERMS_SHOWN = 5
#: prefix of the organisation-kind topics (they cannot clash with a declared topic: those have no «:»)
KIND = "kind:"


@dataclass(frozen=True)
class Why:
    """Why a pair scores high: shared words with their share of the cosine, topics, the kind."""

    terms: list[tuple[str, float]]
    topics: list[str]
    kind: str


@dataclass
class ContestData:
    contest: Contest
    applications: list[Application]
    members: list[CommissionMember]
    conflicts: dict[tuple[int, int], str]  # (application id, expert id) → reason code
    fixed: set[tuple[int, int]]  # (expert id, application id): the existing assignments
    reviews: dict[int, str] = field(default_factory=dict)  # expert id → text of past reviews
    _topic_stems: dict[str, frozenset[str]] = field(default_factory=dict)

    @property
    def experts(self) -> list[Expert]:
        return [m.expert for m in self.members]

    def reason_records(self, found: list[Reason]) -> list[dict[str, Any]]:
        """The solver's reasons with the names and the conflicts behind them (see `reasons.record`)."""
        by_app: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for (app_id, _expert), code in self.conflicts.items():
            by_app[app_id][code] += 1
        experts = {e.pk: str(e) for e in self.experts}
        applications = {a.pk: str(a) for a in self.applications}
        return [reasons.record(r, experts, applications, by_app) for r in found]

    # --- constraints ------------------------------------------------------------------------------

    def k(self) -> dict[int, int]:
        return {a.pk: self.contest.experts_for(a.category) for a in self.applications}

    def default_max_load(self) -> int:
        demand = sum(self.k().values())
        return math.ceil(demand / len(self.members)) + 1 if self.members else 0

    def max_load(self) -> dict[int, int]:
        have: dict[int, int] = defaultdict(int)
        for expert_id, _app in self.fixed:
            have[expert_id] += 1
        default = self.default_max_load()
        return {
            m.expert_id: m.max_load if m.max_load is not None else max(default, have[m.expert_id])
            for m in self.members
        }

    def instance(self, model: AffinityModel) -> Instance:
        assert model.matrix is not None
        return Instance(
            experts=[e.pk for e in self.experts],
            applications=[a.pk for a in self.applications],
            affinity=model.matrix,
            conflicts={(expert, app) for app, expert in self.conflicts},
            k=self.k(),
            max_load=self.max_load(),
            fixed=set(self.fixed),
            expert_municipality={e.pk: expert_municipality_id(e) for e in self.experts},
            application_municipality={a.pk: a.organization.municipality_id for a in self.applications},
            require_external=other_municipality_required(self.contest),
        )

    # --- texts and topics -------------------------------------------------------------------------

    def application_text(self, application: Application) -> str:
        texts = application.texts if isinstance(application.texts, dict) else {}
        sections = [str(v) for v in texts.values() if isinstance(v, str)]
        return "\n".join([application.project_title, *sections])

    def expert_text(self, expert: Expert) -> str:
        topics = [str(t) for t in expert.topics or []]
        return "\n".join([expert.bio, *topics, self.reviews.get(expert.pk, "")])

    def expert_topics(self, expert: Expert) -> set[str]:
        declared = {normalize(str(t)).strip() for t in expert.topics or []}
        declared = {t for t in declared if not t.startswith(KIND)}
        kinds = {KIND + str(k) for k in expert.organization_kinds or []}
        return (declared - {""}) | kinds

    def _stems(self) -> dict[str, frozenset[str]]:
        if not self._topic_stems:
            for expert in self.experts:
                for topic in self.expert_topics(expert):
                    if not topic.startswith(KIND) and topic not in self._topic_stems:
                        self._topic_stems[topic] = frozenset(analyze(topic))
        return self._topic_stems

    def application_topics(self, application: Application, text: str) -> set[str]:
        words = set(analyze(text))
        found = {t for t, stems in self._stems().items() if stems and stems <= words}
        return found | {KIND + application.organization.kind}

    def fit(self) -> AffinityModel:
        app_texts = [self.application_text(a) for a in self.applications]
        return AffinityModel(topic_weight=TOPIC_WEIGHT).fit(
            [self.expert_text(e) for e in self.experts],
            [self.expert_topics(e) for e in self.experts],
            app_texts,
            [self.application_topics(a, t) for a, t in zip(self.applications, app_texts, strict=True)],
        )

    def balance(self, model: AffinityModel, added: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """The same total affinity with the loads spread as evenly as the ties allow.

        The optimum is often not unique — with empty profiles every pair scores 0 — and the solver may
        then give one expert everything their maximum load allows. A proposed pair (e, a) moves to
        another expert e′ whose load is at least two lower when e′ scores `a` exactly as high, may
        review it (no conflict, not yet on it, below their maximum) and keeps the external-expert rule.
        Each move lowers Σ load², so it ends; the objective does not change."""
        assert model.matrix is not None
        w = model.matrix.toarray()
        e_index = {e.pk: i for i, e in enumerate(self.experts)}
        a_index = {a.pk: j for j, a in enumerate(self.applications)}
        max_load = self.max_load()
        load: dict[int, int] = defaultdict(int)
        on: dict[int, set[int]] = defaultdict(set)
        for expert_id, app_id in [*self.fixed, *added]:
            load[expert_id] += 1
            on[app_id].add(expert_id)
        external = self._external()
        pairs = list(added)
        moved = True
        while moved:
            moved = False
            for n, (expert_id, app_id) in enumerate(pairs):
                value = w[e_index[expert_id], a_index[app_id]]
                keep_external = (expert_id, app_id) in external and sum(
                    (x, app_id) in external for x in on[app_id]
                ) == 1
                best = None
                for other in self.experts:
                    o = other.pk
                    if (
                        load[o] <= load[expert_id] - 2
                        and load[o] < max_load[o]
                        and o not in on[app_id]
                        and (app_id, o) not in self.conflicts
                        and w[e_index[o], a_index[app_id]] == value
                        and (not keep_external or (o, app_id) in external)
                        and (best is None or load[o] < load[best])
                    ):
                        best = o
                if best is not None:
                    pairs[n] = (best, app_id)
                    load[expert_id] -= 1
                    load[best] += 1
                    on[app_id].discard(expert_id)
                    on[app_id].add(best)
                    moved = True
        return sorted(pairs)

    def _external(self) -> set[tuple[int, int]]:
        """(expert, application) pairs where the expert is from another municipality (the rule's sense)."""
        if not other_municipality_required(self.contest):
            return set()
        result = set()
        for expert in self.experts:
            mine = expert_municipality_id(expert)
            if mine is None:
                continue
            for application in self.applications:
                theirs = application.organization.municipality_id
                if theirs is not None and theirs != mine:
                    result.add((expert.pk, application.pk))
        return result

    def why(self, model: AffinityModel, expert_index: int, application_index: int) -> Why:
        expert = self.members[expert_index].expert
        spelled = {normalize(str(t)).strip(): str(t).strip() for t in expert.topics or []}
        shared = model.shared_topics(expert_index, application_index)
        kind = next((t[len(KIND) :] for t in shared if t.startswith(KIND)), "")
        return Why(
            terms=[
                (term, round(weight, 4))
                for term, weight in model.explain(expert_index, application_index, TERMS_SHOWN)
            ],
            topics=[spelled.get(t, t) for t in shared if not t.startswith(KIND)],
            kind=kind,
        )


def _reviews(contest: Contest, expert_ids: list[int]) -> dict[int, str]:
    """The conclusions and comments each expert submitted in other contests, newest first (2 queries)."""
    parts: dict[int, list[str]] = defaultdict(list)
    sizes: dict[int, int] = defaultdict(int)

    def add(expert_id: int, text: str) -> None:
        text = (text or "").strip()
        if text and sizes[expert_id] < REVIEW_CHARS:
            parts[expert_id].append(text[: REVIEW_CHARS - sizes[expert_id]])
            sizes[expert_id] += len(text)

    sheets = (
        ScoreSheet.objects.filter(state=ScoreSheet.State.SUBMITTED, assignment__expert_id__in=expert_ids)
        .exclude(assignment__application__contest=contest)
        .exclude(conclusion="")
        .order_by("-submitted_at", "-pk")
        .values_list("assignment__expert_id", "conclusion")
    )
    for expert_id, conclusion in sheets:
        add(expert_id, conclusion)
    comments = (
        Score.objects.filter(
            sheet__state=ScoreSheet.State.SUBMITTED, sheet__assignment__expert_id__in=expert_ids
        )
        .exclude(sheet__assignment__application__contest=contest)
        .exclude(comment="")
        .order_by("-sheet__submitted_at", "-pk")
        .values_list("sheet__assignment__expert_id", "comment")
    )
    for expert_id, comment in comments:
        add(expert_id, comment)
    return {e: "\n".join(texts) for e, texts in parts.items()}


def past_review_count(expert: Expert, contest: Any = None) -> int:
    """How many submitted sheets of the expert count in their affinity text."""
    sheets = ScoreSheet.objects.filter(state=ScoreSheet.State.SUBMITTED, assignment__expert=expert)
    if contest is not None:
        sheets = sheets.exclude(assignment__application__contest=contest)
    return sheets.count()


def load_contest(contest: Contest) -> ContestData:
    """Everything the assignment of `contest` needs, in eight queries whatever its size."""
    commission = commission_for(contest)
    applications = list(accepted_applications(contest))
    members = (
        list(
            commission.members.select_related(
                "expert__user", "expert__organization", "expert__municipality"
            ).order_by("pk")
        )
        if commission is not None
        else []
    )
    expert_ids = {m.expert_id for m in members}
    app_ids = {a.pk for a in applications}
    fixed = {
        (expert_id, app_id)
        for app_id, expert_id in Assignment.objects.filter(application__contest=contest).values_list(
            "application_id", "expert_id"
        )
        if expert_id in expert_ids and app_id in app_ids
    }
    declared = ConflictDeclaration.objects.filter(application__contest=contest).values_list(
        "application_id", "expert_id"
    )
    conflicts = conflict_matrix(
        contest=contest, applications=applications, experts=[m.expert for m in members], declared=declared
    )
    return ContestData(
        contest=contest,
        applications=applications,
        members=members,
        conflicts=conflicts,
        fixed=fixed,
        reviews=_reviews(contest, sorted(expert_ids)),
    )
