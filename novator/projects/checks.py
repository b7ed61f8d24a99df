"""The checks, effects and consequences of the report workflow (`workflow.py` declares them with the
transitions; `core.workflow.perform` runs them). The services import this module."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from novator.core.dates import ddmmyyyy
from novator.core.services import user_or_none
from novator.core.workflow import Step

from . import notifications
from .models import ProjectReport, ProposalKind, ReportKind

#: Days the coordinator has for fixes when the methodologist returns a report without a date.
FIXES_DAYS = 14
#: What accepting a final report leads to.
OUTCOMES = ("close", "extend")


def report_completeness_errors(report: ProjectReport) -> list[str]:
    content = report.content or {}
    errors = []
    if not str(content.get("summary") or "").strip():
        errors.append(_("Write the summary of the year."))
    for stage in content.get("stages") or []:
        if not str(stage.get("done") or "").strip():
            errors.append(_("Say what was done at the stage «%(stage)s».") % {"stage": stage.get("title")})
    for row in content.get("indicators") or []:
        if row.get("actual") in (None, ""):
            errors.append(_("Give the actual value of the indicator «%(name)s».") % {"name": row.get("name")})
    return errors


def report_complete(report: ProjectReport, step: Step) -> None:
    errors = report_completeness_errors(report)
    if errors:
        raise ValidationError(errors, code="incomplete")


def _today(step: Step) -> datetime.date:
    return step.params.get("today") or timezone.localdate()


def fixes_due_ahead(report: ProjectReport, step: Step) -> None:
    """The date for fixes is not in the past; none given: two weeks from today (kept for the effect)."""
    today = _today(step)
    step.params["fixes_due_on"] = step.params.get("fixes_due_on") or today + datetime.timedelta(
        days=FIXES_DAYS
    )
    if step.params["fixes_due_on"] < today:
        raise ValidationError({"fixes_due_on": _("The date for fixes cannot be in the past.")})


def final_outcome_chosen(report: ProjectReport, step: Step) -> None:
    """Accepting a final report says what follows: closing, or extending the status to a later end."""
    if report.kind != ReportKind.FINAL:
        return
    outcome = step.params.get("outcome") or ""
    if outcome not in OUTCOMES:
        raise ValidationError({"outcome": _("Choose what the final report leads to: closing or extension.")})
    if outcome == "extend":
        status = report.project.status_assignment
        if status is None:
            raise ValidationError({"outcome": _("The project has no status to extend.")})
        proposed = step.params.get("proposed_ends_on")
        if proposed is None or proposed <= status.ends_on:
            raise ValidationError(
                {
                    "proposed_ends_on": _("Give a new end of the status later than %(end)s.")
                    % {"end": ddmmyyyy(status.ends_on)}
                }
            )


def stamp_submitted(report: ProjectReport, step: Step) -> None:
    report.submitted_at = step.now


def stamp_decided(report: ProjectReport, step: Step) -> None:
    report.decided_at = step.now
    report.decided_by = user_or_none(step.actor)
    report.comment = step.reason
    if step.name == "return":
        report.fixes_due_on = step.params["fixes_due_on"]


def _period(report: ProjectReport) -> str:
    return f"{report.get_kind_display().lower()} {report.academic_year}"


def propose_revoking(report: ProjectReport, step: Step) -> None:
    """A rejected report proposes revoking the project's status (if it still holds one)."""
    from .services.proposals import proposal_create  # the services import this module

    status = report.project.status_assignment
    if status is None or status.revoked_on:
        return
    proposal_create(
        actor=step.actor,
        project=report.project,
        kind=ProposalKind.REVOKE,
        report=report,
        grounds=_("The %(report)s was rejected: %(reason)s")
        % {"report": _period(report), "reason": step.reason},
    )


def propose_outcome(report: ProjectReport, step: Step) -> None:
    """An accepted final report proposes closing the project or extending its status."""
    from .services.proposals import proposal_create  # the services import this module

    if report.kind != ReportKind.FINAL:
        return
    suffix = f" {step.reason}" if step.reason else ""
    if step.params.get("outcome") == "extend":
        proposal_create(
            actor=step.actor,
            project=report.project,
            kind=ProposalKind.EXTEND,
            report=report,
            proposed_ends_on=step.params.get("proposed_ends_on"),
            grounds=_("The %(report)s was accepted; the project may go on.") % {"report": _period(report)}
            + suffix,
        )
    else:
        proposal_create(
            actor=step.actor,
            project=report.project,
            kind=ProposalKind.CLOSE,
            report=report,
            grounds=_("The %(report)s was accepted; the project is complete.") % {"report": _period(report)}
            + suffix,
        )


def notify_report(report: ProjectReport, step: Step) -> None:
    notifications.report_transition(report, step.name, step.reason)
