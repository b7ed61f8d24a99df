"""Reads of the expertise, each in a constant number of queries (no growth with the data)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from novator.contests import scoring
from novator.contests.models import Application, ApplicationState, Category, Contest, Criterion

from .conflicts import conflict_matrix, reason_text
from .models import Assignment, Commission, CommissionMember, ConflictDeclaration, Expert, Score, ScoreSheet

SUBMITTED = ScoreSheet.State.SUBMITTED


def commission_for(contest: Contest) -> Commission | None:
    return (
        Commission.objects.select_related("chair__user", "secretary", "contest")
        .filter(contest=contest)
        .first()
    )


def accepted_applications(contest: Contest) -> QuerySet[Application]:
    return (
        Application.objects.filter(contest=contest, state=ApplicationState.ACCEPTED)
        .select_related("organization__municipality", "category")
        .order_by("number", "pk")
    )


def expert_choices() -> QuerySet[Expert]:
    return Expert.objects.select_related("user", "organization", "municipality").order_by(
        "user__last_name", "user__first_name", "pk"
    )


# ---------------------------------------------------------------------------------------------------
# The commission page: members, conflicts, the assignment matrix and progress


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
    assigned: int = 0
    submitted: int = 0


@dataclass
class MemberProgress:
    member: CommissionMember
    assigned: int = 0
    submitted: int = 0


@dataclass
class CommissionOverview:
    contest: Contest
    commission: Commission | None
    members: list[CommissionMember] = field(default_factory=list)
    rows: list[MatrixRow] = field(default_factory=list)
    declarations: list[ConflictDeclaration] = field(default_factory=list)
    progress: list[MemberProgress] = field(default_factory=list)

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
        return [r for r in self.rows if r.assigned < self.k]

    def chart(self) -> dict[str, Any]:
        """Data for the bar chart of sheets per expert (names, submitted, assigned)."""
        return {
            "names": [str(p.member.expert) for p in self.progress],
            "submitted": [p.submitted for p in self.progress],
            "assigned": [p.assigned for p in self.progress],
        }


def commission_overview(contest: Contest) -> CommissionOverview:
    """Five queries whatever the size of the commission and the number of applications."""
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
        row = MatrixRow(application=application, cells=[])
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
    return overview


# ---------------------------------------------------------------------------------------------------
# The ranking


@dataclass
class RankingRow:
    application: Application
    result: scoring.RankedRow
    assigned: int
    submitted: int

    @property
    def complete(self) -> bool:
        return self.assigned > 0 and self.submitted == self.assigned


@dataclass
class CategoryRanking:
    category: Category | None
    rows: list[RankingRow]

    @property
    def quota(self) -> int | None:
        return self.category.quota if self.category else None

    @property
    def name(self) -> str:
        return self.category.name if self.category else ""

    @property
    def threshold_index(self) -> int:
        """Index of the first scored row below the threshold (where the threshold line is drawn)."""
        for index, row in enumerate(self.rows):
            if row.result.total is not None and not row.result.passes_threshold:
                return index
        return len(self.rows)


@dataclass
class Ranking:
    contest: Contest
    criteria: list[Criterion]
    threshold: Decimal
    max_total: Decimal
    categories: list[CategoryRanking]

    @property
    def rows(self) -> list[RankingRow]:
        return [row for category in self.categories for row in category.rows]

    @property
    def pending(self) -> int:
        """Sheets assigned but not submitted."""
        return sum(r.assigned - r.submitted for r in self.rows)

    @property
    def without_sheets(self) -> list[Application]:
        return [r.application for r in self.rows if r.submitted == 0]


def criterion_specs(criteria: list[Criterion]) -> list[scoring.CriterionSpec]:
    return [scoring.CriterionSpec(c.pk, c.position, c.max_points, c.weight) for c in criteria]


def contest_ranking(contest: Contest) -> Ranking:
    """The proposed ranking from the submitted sheets (five queries)."""
    prefetch_related_objects(
        [contest], Prefetch("criteria", queryset=Criterion.objects.order_by("position", "pk"))
    )
    criteria = list(contest.criteria.all())
    categories = list(Category.objects.filter(contest=contest).order_by("position", "pk"))
    applications = list(accepted_applications(contest))
    assigned: dict[int, int] = defaultdict(int)
    submitted_sheets: dict[int, list[int]] = defaultdict(list)
    for app_id, sheet_id, state in Assignment.objects.filter(application__contest=contest).values_list(
        "application_id", "sheet__pk", "sheet__state"
    ):
        assigned[app_id] += 1
        if state == SUBMITTED:
            submitted_sheets[app_id].append(sheet_id)
    points: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for sheet_id, criterion_id, value in Score.objects.filter(
        sheet__state=SUBMITTED, sheet__assignment__application__contest=contest
    ).values_list("sheet_id", "criterion_id", "points"):
        if value is not None:
            points[sheet_id][criterion_id] = value
    data = [
        scoring.ApplicationScores(
            id=a.pk,
            category_id=a.category_id,
            number=a.number,
            submitted_at=a.submitted_at,
            sheets=tuple(scoring.SheetScores(points[s], s) for s in sorted(submitted_sheets[a.pk])),
        )
        for a in applications
    ]
    quotas: dict[int | None, int | None] = {c.pk: c.quota for c in categories}
    if not categories or any(a.category_id is None for a in applications):
        quotas[None] = None
    threshold = contest.threshold_points
    ranked = scoring.rank_contest(data, criterion_specs(criteria), threshold=threshold, quotas=quotas)
    by_id = {a.pk: a for a in applications}
    category_by_id: dict[int | None, Category | None] = {c.pk: c for c in categories}
    category_by_id.setdefault(None, None)
    result = []
    for category_id, rows in ranked.items():
        result.append(
            CategoryRanking(
                category=category_by_id.get(category_id),
                rows=[
                    RankingRow(
                        application=by_id[r.application_id],
                        result=r,
                        assigned=assigned[r.application_id],
                        submitted=r.sheets,
                    )
                    for r in rows
                ],
            )
        )
    return Ranking(
        contest=contest,
        criteria=criteria,
        threshold=threshold,
        max_total=contest.max_total,
        categories=[c for c in result if c.rows or c.category is not None],
    )


# ---------------------------------------------------------------------------------------------------
# The expert's pages


def expert_assignments(user: Any) -> QuerySet[Assignment]:
    """The expert's published, conflict-free assignments, newest contest first."""
    return (
        Assignment.objects.for_expert(user)
        .select_related("application__contest", "application__organization", "application__category", "sheet")
        .order_by("-application__contest__opens_at", "application__contest_id", "application__number", "pk")
    )


def sheet_detail(user: Any, pk: int) -> ScoreSheet:
    """A sheet the user may see (raises ScoreSheet.DoesNotExist otherwise)."""
    return (
        ScoreSheet.objects.visible_to(user)
        .select_related(
            "assignment__application__contest__commission",
            "assignment__application__organization",
            "assignment__application__category",
            "assignment__expert__user",
        )
        .get(pk=pk)
    )


def sheet_scores(sheet: ScoreSheet) -> dict[int, Score]:
    return {s.criterion_id: s for s in Score.objects.filter(sheet=sheet)}


def contest_criteria(contest: Contest) -> list[Criterion]:
    return list(Criterion.objects.filter(contest=contest).order_by("position", "pk"))


# ---------------------------------------------------------------------------------------------------
# The applicant's view of the conclusions


@dataclass
class Conclusion:
    label: str
    sheet: ScoreSheet
    total: Decimal
    scores: list[tuple[Criterion, Score | None]]


def application_conclusions(application: Application) -> list[Conclusion]:
    """Submitted sheets of the application, anonymised «Expert 1, 2…» unless the contest shows names."""
    from django.utils.translation import gettext as _

    contest = application.contest
    criteria = contest_criteria(contest)
    sheets = list(
        ScoreSheet.objects.filter(assignment__application=application, state=SUBMITTED)
        .select_related("assignment__expert__user")
        .prefetch_related("scores")
        .order_by("assignment_id")
    )
    specs = criterion_specs(criteria)
    result = []
    for number, sheet in enumerate(sheets, start=1):
        by_criterion = {s.criterion_id: s for s in sheet.scores.all()}
        label = (
            sheet.assignment.expert.user.display_name
            if contest.show_expert_names
            else _("Expert %(n)d") % {"n": number}
        )
        total = scoring.sheet_total(
            {cid: s.points for cid, s in by_criterion.items() if s.points is not None}, specs
        )
        result.append(
            Conclusion(
                label=label, sheet=sheet, total=total, scores=[(c, by_criterion.get(c.pk)) for c in criteria]
            )
        )
    return result
