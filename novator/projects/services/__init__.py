"""Writes of the projects app: `<entity>_<verb>(*, actor, …)`, one transaction each, audited."""

from .programmes import (
    programme_create,
    programme_update,
    result_create,
    result_delete,
    result_update,
    stage_create,
    stage_delete,
    stage_update,
)
from .projects import (
    open_version,
    passport_token,
    passport_update,
    project_create,
    project_update,
    version_draft_start,
    version_transition,
)
from .proposals import proposal_confirm, proposal_create, proposal_dismiss
from .reminders import reminders_send
from .reports import (
    evidence_add,
    evidence_delete,
    report_completeness_errors,
    report_schedule_sync,
    report_transition,
    report_update,
)
from .roadmap import roadmap_mark, roadmap_unmark
from .surveys import (
    answering_closed_reason,
    has_answered,
    participant_key,
    questionnaire_default,
    survey_response_submit,
    survey_run_close,
    survey_run_create,
)

__all__ = [
    "answering_closed_reason",
    "evidence_add",
    "evidence_delete",
    "has_answered",
    "open_version",
    "participant_key",
    "passport_token",
    "passport_update",
    "programme_create",
    "programme_update",
    "project_create",
    "project_update",
    "proposal_confirm",
    "proposal_create",
    "proposal_dismiss",
    "questionnaire_default",
    "reminders_send",
    "report_completeness_errors",
    "report_schedule_sync",
    "report_transition",
    "report_update",
    "result_create",
    "result_delete",
    "result_update",
    "roadmap_mark",
    "roadmap_unmark",
    "stage_create",
    "stage_delete",
    "stage_update",
    "survey_response_submit",
    "survey_run_close",
    "survey_run_create",
    "version_draft_start",
    "version_transition",
]
