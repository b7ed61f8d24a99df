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
from .deliberation import (
    LateExpert,
    application_spread,
    conclusions_for_minutes,
    deliberation_for,
    discussion_comments,
    late_experts,
    open_sheets,
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
    "LateExpert",
    "Load",
    "MatrixRow",
    "MemberProgress",
    "ProposalGroup",
    "accepted_applications",
    "application_conclusions",
    "application_spread",
    "commission_for",
    "commission_overview",
    "conclusions_for_minutes",
    "contest_criteria",
    "criterion_specs",
    "deliberation_for",
    "discussion_comments",
    "expert_assignments",
    "expert_choices",
    "expert_invitations",
    "expert_loads",
    "expert_pool",
    "late_experts",
    "latest_proposal",
    "meeting_of",
    "open_sheets",
    "pending_invitations",
    "pool_regions",
    "proposal_detail",
    "sheet_detail",
    "sheet_scores",
]
