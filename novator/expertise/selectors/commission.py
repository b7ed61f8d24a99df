"""The commission page: members, conflicts, the assignment matrix and progress; assignment proposals."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count

from novator.contests.models import Application, Contest

from ..conflicts import conflict_matrix, reason_text
from ..models import (
    Assignment,
    AssignmentProposal,
    Commission,
    CommissionMember,
    ConflictDeclaration,
    Expert,
    ProposalRow,
    ScoreSheet,
)
from ._common import SUBMITTED, accepted_applications, commission_for


@dataclass
class Cell:
    expert: Expert
    assignment: Assignment | None = None
    conflict: str | None = None
    removable: bool = False

    @property
    def conflict_reason(self) -> str:
        return reason_text(self.conflict) if self.conflict else ""

    @property
    def sheet(self) -> ScoreSheet | None:
        if self.assignment is None:
            return None
        return getattr(self.assignment, "sheet", None)

    @property
    def state(self) -> str:
        if self.conflict:
            return "conflict"
        if self.assignment is None:
            return "free"
        sheet = self.sheet
        if sheet is None or (sheet.state == ScoreSheet.State.DRAFT and sheet.version <= 1):
            return "assigned"
        return str(sheet.state)


@dataclass
class MatrixRow:
    application: Application
    cells: list[Cell]
    k: int = 0
    assigned: int = 0
    submitted: int = 0


@dataclass
class MemberProgress:
    member: CommissionMember
    assigned: int = 0
    submitted: int = 0
    #: the expert's load in every contest of the academic year (`pool.Load`), set by the page
    year_load: Any = None


@dataclass
class CommissionOverview:
    contest: Contest
    commission: Commission | None
    members: list[CommissionMember] = field(default_factory=list)
    rows: list[MatrixRow] = field(default_factory=list)
    declarations: list[ConflictDeclaration] = field(default_factory=list)
    progress: list[MemberProgress] = field(default_factory=list)
    proposal: AssignmentProposal | None = None

    @property
    def k(self) -> int:
        return int(self.contest.experts_per_application)

    @property
    def published(self) -> bool:
        return bool(self.commission and self.commission.assignments_published_at)

    @property
    def totals(self) -> tuple[int, int]:
        return sum(r.assigned for r in self.rows), sum(r.submitted for r in self.rows)

    @property
    def short_rows(self) -> list[MatrixRow]:
        return [r for r in self.rows if r.assigned < r.k]

    @property
    def k_varies(self) -> bool:
        """Some category has its own number of experts per application."""
        return any(r.k != self.k for r in self.rows)

    def chart(self) -> dict[str, Any]:
        """Data for the bar chart of sheets per expert (names, submitted, assigned)."""
        return {
            "names": [str(p.member.expert) for p in self.progress],
            "submitted": [p.submitted for p in self.progress],
            "assigned": [p.assigned for p in self.progress],
        }


def commission_overview(contest: Contest) -> CommissionOverview:
    """Seven queries whatever the size of the commission and the number of applications."""
    commission = commission_for(contest)
    overview = CommissionOverview(contest=contest, commission=commission)
    if commission is None:
        return overview
    members = list(
        commission.members.select_related(
            "expert__user", "expert__organization", "expert__municipality"
        ).order_by("expert__user__last_name", "expert__user__first_name", "pk")
    )
    applications = list(accepted_applications(contest))
    assignments = {
        (a.application_id, a.expert_id): a
        for a in Assignment.objects.filter(application__contest=contest).select_related("sheet")
    }
    declarations = list(
        ConflictDeclaration.objects.filter(application__contest=contest)
        .select_related("expert__user", "application__organization")
        .order_by("created_at", "pk")
    )
    experts = [m.expert for m in members]
    conflicts = conflict_matrix(
        contest=contest,
        applications=applications,
        experts=experts,
        declared=[(d.application_id, d.expert_id) for d in declarations],
    )
    progress = {m.expert_id: MemberProgress(member=m) for m in members}
    for application in applications:
        row = MatrixRow(application=application, cells=[], k=contest.experts_for(application.category))
        for expert in experts:
            assignment = assignments.get((application.pk, expert.pk))
            code = conflicts.get((application.pk, expert.pk))
            cell = Cell(expert=expert, assignment=assignment, conflict=code if assignment is None else None)
            cell.removable = assignment is not None and (
                commission.assignments_published_at is None or cell.state == "assigned"
            )
            if assignment is not None:
                row.assigned += 1
                progress[expert.pk].assigned += 1
                if cell.state == SUBMITTED:
                    row.submitted += 1
                    progress[expert.pk].submitted += 1
            row.cells.append(cell)
        overview.rows.append(row)
    overview.members = members
    overview.declarations = declarations
    overview.progress = list(progress.values())
    overview.proposal = latest_proposal(contest)
    return overview


# ---------------------------------------------------------------------------------------------------
# Assignment proposals (the organiser and the chair only: the views check `expertise.manage_assignments`)


def latest_proposal(contest: Contest) -> AssignmentProposal | None:
    """The newest proposal that is not superseded (one query)."""
    return (
        AssignmentProposal.objects.filter(contest=contest)
        .exclude(state=AssignmentProposal.State.SUPERSEDED)
        .select_related("job")
        .annotate(row_count=Count("rows"))
        .order_by("-created_at", "-pk")
        .first()
    )


@dataclass
class ProposalGroup:
    application: Application
    rows: list[ProposalRow]
    k: int
    assigned: int


def proposal_detail(proposal: AssignmentProposal) -> list[ProposalGroup]:
    """The rows of a proposal grouped by application, with how many experts each already has (3 queries)."""
    contest = proposal.contest
    rows = list(
        proposal.rows.select_related(
            "application__organization", "application__category", "expert__user", "expert__organization"
        ).order_by("application__number", "application_id", "-affinity", "expert_id")
    )
    counts = dict(
        Assignment.objects.filter(application__contest=contest)
        .values_list("application_id")
        .annotate(n=Count("pk"))
        .values_list("application_id", "n")
    )
    groups: dict[int, ProposalGroup] = {}
    for row in rows:
        group = groups.get(row.application_id)
        if group is None:
            application = row.application
            group = groups[row.application_id] = ProposalGroup(
                application=application,
                rows=[],
                k=contest.experts_for(application.category),
                assigned=counts.get(row.application_id, 0),
            )
        group.rows.append(row)
    return list(groups.values())
