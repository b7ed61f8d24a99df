"""Writes for contests and applications. Every state change goes through the two transition services.

The package re-exports every service, so callers write `from novator.contests import services` and
`services.contest_transition(...)` whichever module a service lives in.
"""

from __future__ import annotations

from ._common import now as _now
from ._common import require as _require
from .applications import (
    APPLICATION_FIELDS,
    application_attach_document,
    application_create,
    application_record_outcome,
    application_transition,
    application_update,
    check_complete,
    check_contest_accepting_changes,
    check_return_due,
    check_window,
    completeness_errors,
    edit_locked_reason,
    existing_application,
)
from .contests import (
    CONTEST_FIELDS,
    CONTEST_TRANSITION_HOOKS,
    check_no_pending_formal_checks,
    check_order_recorded,
    check_ready_to_announce,
    contest_copy,
    contest_create,
    contest_record_order,
    contest_transition,
    contest_update,
    find_transition,
)
from .setup import (
    category_create,
    category_delete,
    category_update,
    contest_apply_defaults,
    criterion_create,
    criterion_delete,
    criterion_update,
    form_section_create,
    form_section_delete,
    form_section_update,
    required_document_create,
    required_document_delete,
    required_document_update,
    setup_locked_reason,
)

__all__ = [
    "APPLICATION_FIELDS",
    "CONTEST_FIELDS",
    "CONTEST_TRANSITION_HOOKS",
    "_now",
    "_require",
    "application_attach_document",
    "application_create",
    "application_record_outcome",
    "application_transition",
    "application_update",
    "category_create",
    "category_delete",
    "category_update",
    "check_complete",
    "check_contest_accepting_changes",
    "check_no_pending_formal_checks",
    "check_order_recorded",
    "check_ready_to_announce",
    "check_return_due",
    "check_window",
    "completeness_errors",
    "contest_apply_defaults",
    "contest_copy",
    "contest_create",
    "contest_record_order",
    "contest_transition",
    "contest_update",
    "criterion_create",
    "criterion_delete",
    "criterion_update",
    "edit_locked_reason",
    "existing_application",
    "find_transition",
    "form_section_create",
    "form_section_delete",
    "form_section_update",
    "required_document_create",
    "required_document_delete",
    "required_document_update",
    "setup_locked_reason",
]
