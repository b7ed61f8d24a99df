"""The workflows of project versions and reports, declared as data and enforced by one service each.

A transition names its source states, its target, the permission (a django-rules name) the actor must
hold on the object, and whether it needs a reason (a comment the coordinator will read).
`services.projects.version_transition` and `services.reports.report_transition` are the only places
that change a version's or a report's `state`.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from novator.core.workflow import Transition, available

from .models import ReportState as R
from .models import VersionState as V

VERSION_TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
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
    )
}

REPORT_TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            "submit",
            _("Submit the report"),
            frozenset({R.DRAFT, R.RETURNED}),
            R.SUBMITTED,
            "projects.fill_report",
            style="btn-primary",
        ),
        Transition(
            "accept",
            _("Accept"),
            frozenset({R.SUBMITTED}),
            R.ACCEPTED,
            "projects.review_report",
            style="btn-success",
        ),
        Transition(
            "return",
            _("Return for revision"),
            frozenset({R.SUBMITTED}),
            R.RETURNED,
            "projects.review_report",
            needs_reason=True,
            style="btn-outline-warning",
        ),
        Transition(
            "reject",
            _("Reject"),
            frozenset({R.SUBMITTED}),
            R.REJECTED,
            "projects.review_report",
            needs_reason=True,
            style="btn-outline-danger",
        ),
    )
}

__all__ = ["REPORT_TRANSITIONS", "VERSION_TRANSITIONS", "Transition", "available"]
