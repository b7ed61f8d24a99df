"""Writes for contests and applications. Every state change goes through the two transition services.

The package re-exports every service, so callers write `from novator.contests import services` and
`services.contest_transition(...)` whichever module a service lives in.
"""

from __future__ import annotations

from ..checks import completeness_errors, is_administrator, nominee_errors, recent_win
from ._common import now as _now
from .applications import (
    APPLICATION_FIELDS,
    SIGNED_SCAN_STATES,
    application_attach_document,
    application_attach_signed_scan,
    application_create,
    application_record_outcome,
    application_transition,
    application_update,
    edit_locked_reason,
    existing_application,
)
from .contests import (
    CONTEST_FIELDS,
    CONTEST_TRANSITION_HOOKS,
    contest_copy,
    contest_create,
    contest_record_order,
    contest_transition,
    contest_update,
)
from .nominees import (
    application_nominate_next_stage,
    diplomas_issue,
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
    round_create,
    round_delete,
    round_update,
    setup_locked_reason,
)

__all__ = [
    "APPLICATION_FIELDS",
    "CONTEST_FIELDS",
    "CONTEST_TRANSITION_HOOKS",
    "SIGNED_SCAN_STATES",
    "_now",
    "application_attach_document",
    "application_attach_signed_scan",
    "application_create",
    "application_nominate_next_stage",
    "application_record_outcome",
    "application_transition",
    "application_update",
    "category_create",
    "category_delete",
    "category_update",
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
    "diplomas_issue",
    "edit_locked_reason",
    "existing_application",
    "form_section_create",
    "form_section_delete",
    "form_section_update",
    "is_administrator",
    "nominee_errors",
    "recent_win",
    "required_document_create",
    "required_document_delete",
    "required_document_update",
    "round_create",
    "round_delete",
    "round_update",
    "setup_locked_reason",
]
