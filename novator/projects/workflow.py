"""The workflows of project versions and reports, declared as data and enforced by one service each.

A transition names its source states, its target, the permission (a django-rules name) the actor must
hold on the object, whether it needs a reason (a comment the coordinator will read), and for reports its
checks, effects and consequences (`checks.py`, run by `core.workflow.perform`).
`services.projects.version_transition` and `services.reports.report_transition` are the only places
that change a version's or a report's `state`.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from novator.core.text import clean_text
from novator.core.workflow import Transition, Transitions, allowed, available

from . import checks
from .models import ReportState as R
from .models import VersionState as V

VERSION_TRANSITIONS = Transitions(
    V,
    (
        Transition(
            "submit",
            _("Submit for approval"),
            frozenset({V.DRAFT, V.RETURNED}),
            V.SUBMITTED,
            "projects.edit_project",
            style="btn-primary",
        ),
        Transition(
            "approve",
            _("Approve the passport"),
            frozenset({V.SUBMITTED}),
            V.APPROVED,
            "projects.review_project",
            style="btn-success",
        ),
        Transition(
            "return",
            _("Return for revision"),
            frozenset({V.SUBMITTED}),
            V.RETURNED,
            "projects.review_project",
            needs_reason=True,
            style="btn-outline-warning",
        ),
    ),
    action="project.version_{name}",
)


def _reason(text: str) -> str:
    return clean_text(text, 5000)


REPORT_TRANSITIONS = Transitions(
    R,
    (
        Transition(
            "submit",
            _("Submit the report"),
            frozenset({R.DRAFT, R.RETURNED}),
            R.SUBMITTED,
            "projects.fill_report",
            style="btn-primary",
            checks=(checks.report_complete,),
            effects=(checks.stamp_submitted,),
            notify=checks.notify_report,
        ),
        Transition(
            "accept",
            _("Accept"),
            frozenset({R.SUBMITTED}),
            R.ACCEPTED,
            "projects.review_report",
            style="btn-success",
            checks=(checks.final_outcome_chosen,),
            effects=(checks.stamp_decided,),
            after=(checks.propose_outcome,),
            notify=checks.notify_report,
        ),
        Transition(
            "return",
            _("Return for revision"),
            frozenset({R.SUBMITTED}),
            R.RETURNED,
            "projects.review_report",
            needs_reason=True,
            style="btn-outline-warning",
            checks=(checks.fixes_due_ahead,),
            effects=(checks.stamp_decided,),
            notify=checks.notify_report,
        ),
        Transition(
            "reject",
            _("Reject"),
            frozenset({R.SUBMITTED}),
            R.REJECTED,
            "projects.review_report",
            needs_reason=True,
            style="btn-outline-danger",
            effects=(checks.stamp_decided,),
            after=(checks.propose_revoking,),
            notify=checks.notify_report,
        ),
    ),
    action="report.{name}",
    related=(
        "project",
        "project__organization",
        "project__organization__municipality",
        "project__status_assignment",
    ),
    clean_reason=_reason,
    reason_error={"reason": _("Write the reason; the coordinator will read it.")},
)

#: What a transition did, said as a sentence once it is done.
VERSION_DONE = {
    "submit": _("The passport is submitted for approval."),
    "approve": _("The passport is approved."),
    "return": _("The passport is returned for revision."),
}
REPORT_DONE = {
    "submit": _("The report is submitted."),
    "accept": _("The report is accepted."),
    "return": _("The report is returned for revision."),
    "reject": _("The report is rejected."),
}

__all__ = [
    "REPORT_DONE",
    "REPORT_TRANSITIONS",
    "VERSION_DONE",
    "VERSION_TRANSITIONS",
    "Transition",
    "allowed",
    "available",
]
