"""Reads of the expertise, each in a constant number of queries (no growth with the data)."""

from ._common import (
    SUBMITTED,
    accepted_applications,
    commission_for,
    contest_criteria,
    criterion_specs,
    expert_choices,
)
from .commission import (
    Cell,
    CommissionOverview,
    MatrixRow,
    MemberProgress,
    ProposalGroup,
    commission_overview,
    latest_proposal,
    proposal_detail,
)
from .ranking import (
    Agreement,
    CategoryRanking,
    ExpertLeniency,
    Ranking,
    RankingRow,
    contest_ranking,
)
from .sheets import (
    Conclusion,
    application_conclusions,
    expert_assignments,
    sheet_detail,
    sheet_scores,
)

__all__ = [
    "SUBMITTED",
    "Agreement",
    "CategoryRanking",
    "Cell",
    "CommissionOverview",
    "Conclusion",
    "ExpertLeniency",
    "MatrixRow",
    "MemberProgress",
    "ProposalGroup",
    "Ranking",
    "RankingRow",
    "accepted_applications",
    "application_conclusions",
    "commission_for",
    "commission_overview",
    "contest_criteria",
    "contest_ranking",
    "criterion_specs",
    "expert_assignments",
    "expert_choices",
    "latest_proposal",
    "proposal_detail",
    "sheet_detail",
    "sheet_scores",
]
