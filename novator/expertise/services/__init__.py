"""Writes of the expertise. Each service is keyword-only, takes `actor` (None: the system), checks the
permission, runs in one transaction, records the audit event and sends e-mail on commit."""

from .assignments import (
    assignment_add,
    assignment_instance,
    assignment_remove,
    assignments_auto,
    assignments_publish,
    sheet_untouched,
)
from .commission import (
    commission_member_add,
    commission_member_remove,
    commission_member_update,
    commission_setup,
    conflict_declare,
    expert_profile_save,
)
from .results import (
    Override,
    on_contest_transition,
    results_award_statuses,
    results_confirm,
    results_reopen,
    status_start,
)
from .sheets import parse_points, sheet_reopen, sheet_save_draft, sheet_submit

__all__ = [
    "Override",
    "assignment_add",
    "assignment_instance",
    "assignment_remove",
    "assignments_auto",
    "assignments_publish",
    "commission_member_add",
    "commission_member_remove",
    "commission_member_update",
    "commission_setup",
    "conflict_declare",
    "expert_profile_save",
    "on_contest_transition",
    "parse_points",
    "results_award_statuses",
    "results_confirm",
    "results_reopen",
    "sheet_reopen",
    "sheet_save_draft",
    "sheet_submit",
    "sheet_untouched",
    "status_start",
]
