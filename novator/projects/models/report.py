"""Annual and final reports on projects, their evidence, the reminders sent and the proposals they lead to."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from novator.core.models import TimeStampedModel

from ..querysets import ProposalQuerySet, ReportQuerySet
from .common import validate_academic_year
from .project import InnovationProject


class ReportKind(models.TextChoices):
    ANNUAL = "annual", _("Annual report")
    FINAL = "final", _("Final report")


class ReportState(models.TextChoices):
    DRAFT = "draft", _("Not submitted")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for revision")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


#: Report states in which the coordinator fills the report in.
EDITABLE_REPORT_STATES = frozenset({ReportState.DRAFT, ReportState.RETURNED})

REPORT_BADGES = {
    ReportState.DRAFT: "text-bg-light border",
    ReportState.SUBMITTED: "text-bg-primary",
    ReportState.RETURNED: "text-bg-warning",
    ReportState.ACCEPTED: "text-bg-success",
    ReportState.REJECTED: "text-bg-danger",
}


class ProjectReport(TimeStampedModel):
    """A report on a project for one academic year; the last year of the term has the final report.

    Whether it is overdue is a question of dates (`is_overdue_on`), never of a stored flag."""

    project = models.ForeignKey(InnovationProject, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices, default=ReportKind.ANNUAL)
    academic_year = models.CharField(_("academic year"), max_length=7, validators=[validate_academic_year])
    due_on = models.DateField(_("due"))
    state = models.CharField(
        _("state"), max_length=16, choices=ReportState.choices, default=ReportState.DRAFT
    )
    content: Any = models.JSONField(_("content"), default=dict, blank=True)
    fixes_due_on = models.DateField(_("fixes due"), null=True, blank=True)
    comment = models.TextField(_("methodologist's comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_demo = models.BooleanField(default=False, editable=False)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("project report")
        verbose_name_plural = _("project reports")
        ordering = ["due_on", "project__organization__short_name", "id"]
        indexes = [models.Index(fields=["state", "due_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "academic_year"],
                name="project_report_one_per_year",
                violation_error_message=_("The project already has a report for this academic year."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.academic_year} — {self.project.organization}"

    def get_absolute_url(self) -> str:
        return reverse("projects:report_detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_REPORT_STATES

    def deadline(self) -> datetime.date | None:
        """The date the coordinator must act by now (the due date, or the date for fixes)."""
        if self.state == ReportState.DRAFT:
            return self.due_on
        if self.state == ReportState.RETURNED:
            return self.fixes_due_on or self.due_on
        return None

    def is_overdue_on(self, day: datetime.date | None = None) -> bool:
        deadline = self.deadline()
        return deadline is not None and deadline < (day or timezone.localdate())

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on()

    @property
    def state_badge(self) -> str:
        return REPORT_BADGES[ReportState(self.state)]


def _evidence_path(instance: ReportEvidence, filename: str) -> str:
    return f"projects/reports/{instance.report_id}/{filename}"


class ReportEvidence(models.Model):
    """A file that confirms what the report says (an order, a programme of an event, a product)."""

    report = models.ForeignKey(ProjectReport, on_delete=models.CASCADE, related_name="evidence")
    title = models.CharField(_("what it is"), max_length=255)
    file = models.FileField(upload_to=_evidence_path, max_length=255)
    original_name = models.CharField(max_length=255)
    file_type = models.CharField(max_length=10)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["report", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.title


class ReminderKind(models.TextChoices):
    BEFORE = "before", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    FIXES_OVERDUE = "fixes_overdue", _("Fixes overdue")


class ReportReminder(models.Model):
    """One reminder of one kind about one report: the unique pair is what makes sending idempotent."""

    report = models.ForeignKey(ProjectReport, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("kind"), max_length=16, choices=ReminderKind.choices)
    sent_on = models.DateField(_("sent on"))
    recipients = models.PositiveSmallIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("report reminder")
        verbose_name_plural = _("report reminders")
        ordering = ["report", "sent_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "kind"], name="report_reminder_once_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.sent_on:%d.%m.%Y}"


class ProposalKind(models.TextChoices):
    REVOKE = "revoke", _("Revoke the status")
    EXTEND = "extend", _("Extend the status")
    CLOSE = "close", _("Close the project")


class ProposalState(models.TextChoices):
    OPEN = "open", _("Awaiting decision")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")


class ProjectProposal(models.Model):
    """What a report leads to: revoking the status (a rejected or missing report), extending it or closing
    the project (a good final report). The methodologist confirms or dismisses it."""

    project = models.ForeignKey(InnovationProject, on_delete=models.CASCADE, related_name="proposals")
    report = models.ForeignKey(
        ProjectReport, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals"
    )
    kind = models.CharField(_("proposal"), max_length=10, choices=ProposalKind.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=ProposalState.choices, default=ProposalState.OPEN
    )
    grounds = models.TextField(_("grounds"))
    proposed_ends_on = models.DateField(_("proposed new end"), null=True, blank=True)
    created_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_note = models.TextField(_("decision note"), blank=True)
    order_number = models.CharField(_("order number"), max_length=50, blank=True)
    order_date = models.DateField(_("order date"), null=True, blank=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "kind"],
                condition=Q(state="open"),
                name="project_proposal_one_open_per_kind",
            ),
            models.CheckConstraint(condition=~Q(grounds=""), name="project_proposal_has_grounds"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.project}"

    def get_absolute_url(self) -> str:
        return reverse("projects:proposal_detail", args=[self.pk])
