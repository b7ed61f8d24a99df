"""Reads of the expertise, each in a constant number of queries (no growth with the data). The ranking
of a contest is `novator.expertise.ranking.contest_ranking`."""

from ._common import (
    SUBMITTED,
    accepted_applications,
    commission_for,
    contest_criteria,
    criterion_specs,
    expert_choices,
    meeting_of,
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
from .sheets import (
    Conclusion,
    application_conclusions,
    expert_assignments,
    sheet_detail,
    sheet_scores,
)

__all__ = [
    "SUBMITTED",
    "Cell",
    "CommissionOverview",
    "Conclusion",
    "MatrixRow",
    "MemberProgress",
    "ProposalGroup",
    "accepted_applications",
    "application_conclusions",
    "commission_for",
    "commission_overview",
    "contest_criteria",
    "criterion_specs",
    "expert_assignments",
    "expert_choices",
    "latest_proposal",
    "meeting_of",
    "proposal_detail",
    "sheet_detail",
    "sheet_scores",
]
