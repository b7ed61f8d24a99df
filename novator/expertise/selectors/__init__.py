"""Reads of the expertise, each in a constant number of queries (no growth with the data). The ranking
of a contest is `novator.expertise.ranking.contest_ranking`."""

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
from .pool import (
    NO_LOAD,
    Load,
    expert_invitations,
    expert_loads,
    expert_pool,
    pending_invitations,
    pool_regions,
)
from .sheets import (
    Conclusion,
    application_conclusions,
    expert_assignments,
    sheet_detail,
    sheet_scores,
)

__all__ = [
    "NO_LOAD",
    "SUBMITTED",
    "Cell",
    "CommissionOverview",
    "Conclusion",
    "Load",
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
    "expert_invitations",
    "expert_loads",
    "expert_pool",
    "latest_proposal",
    "pending_invitations",
    "pool_regions",
    "proposal_detail",
    "sheet_detail",
    "sheet_scores",
]
