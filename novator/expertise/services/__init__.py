"""Writes of the expertise. Each service is keyword-only, takes `actor` (None: the system), checks the
permission, runs in one transaction, records the audit event and sends e-mail on commit."""

from .announcement import announcement_order_register
from .assignments import (
    AutoAssignment,
    assignment_add,
    assignment_remove,
    assignments_auto,
    assignments_publish,
    sheet_untouched,
)
from .commission import (
    commission_member_add,
    commission_member_remove,
    commission_member_update,
    commission_rules_update,
    commission_setup,
    conflict_declare,
    expert_profile_save,
)
from .deadlines import commission_deadlines_update, late_expert_reassign, reminders_send
from .deliberation import (
    check_spread_discussed,
    conclusion_save,
    discussion_comment_add,
    no_discussion_record,
    spread_undiscussed,
)
from .invitations import commission_invite, invitation_answer
from .meeting import AgendaItem, Votes, agenda, has_quorum, meeting_record
from .proposals import (
    assignment_proposal_start,
    proposal_accept,
    proposal_compute,
    proposal_row_drop,
)
from .results import (
    Override,
    on_contest_transition,
    results_award_statuses,
    results_confirm,
    results_reopen,
    status_start,
)
from .rounds import (
    is_last,
    professional_results_confirm,
    round_advance,
    round_juror_add,
    round_juror_remove,
    round_open,
    round_standings,
    round_totals,
)
from .scoring import scoring_settings_update
from .sheets import parse_points, sheet_reopen, sheet_save_draft, sheet_submit

__all__ = [
    "AgendaItem",
    "AutoAssignment",
    "Override",
    "Votes",
    "agenda",
    "announcement_order_register",
    "assignment_add",
    "assignment_proposal_start",
    "assignment_remove",
    "assignments_auto",
    "assignments_publish",
    "check_spread_discussed",
    "commission_deadlines_update",
    "commission_invite",
    "commission_member_add",
    "commission_member_remove",
    "commission_member_update",
    "commission_rules_update",
    "commission_setup",
    "conclusion_save",
    "conflict_declare",
    "discussion_comment_add",
    "expert_profile_save",
    "has_quorum",
    "invitation_answer",
    "is_last",
    "late_expert_reassign",
    "meeting_record",
    "no_discussion_record",
    "on_contest_transition",
    "parse_points",
    "professional_results_confirm",
    "proposal_accept",
    "proposal_compute",
    "proposal_row_drop",
    "reminders_send",
    "results_award_statuses",
    "results_confirm",
    "results_reopen",
    "round_advance",
    "round_juror_add",
    "round_juror_remove",
    "round_open",
    "round_standings",
    "round_totals",
    "scoring_settings_update",
    "sheet_reopen",
    "sheet_save_draft",
    "sheet_submit",
    "sheet_untouched",
    "spread_undiscussed",
    "status_start",
]
