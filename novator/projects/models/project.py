"""Innovation projects of organisations, with versioned passports.

The passport (theme, goal, tasks, indicators, calendar plan, team, partners …) lives in a version as JSON
(see `novator.projects.passport` for its shape). Editing an approved project makes a new draft version;
the approved one stays as it was until the methodologist approves the next.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from novator.contests.models import Application
from novator.core.academic_year import AcademicYear
from novator.core.models import TimeStampedModel
from novator.organizations.models import Organization
from novator.statuses.models import StatusAssignment

from ..querysets import ProjectQuerySet


class VersionState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for approval")
    RETURNED = "returned", _("Returned for revision")
    APPROVED = "approved", _("Approved")
    SUPERSEDED = "superseded", _("Superseded")


#: Version states in which the coordinator edits the passport.
EDITABLE_VERSION_STATES = frozenset({VersionState.DRAFT, VersionState.RETURNED})
#: A project has at most one version in these states (its working draft).
OPEN_VERSION_STATES = (VersionState.DRAFT, VersionState.SUBMITTED, VersionState.RETURNED)


class InnovationProject(TimeStampedModel):
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="innovation_projects",
    )
    title = models.CharField(_("theme"), max_length=500)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    application = models.OneToOneField(
        Application,
        verbose_name=_("contest application"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="innovation_project",
    )
    status_assignment = models.OneToOneField(
        StatusAssignment,
        verbose_name=_("status"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="innovation_project",
    )
    approved_version = models.ForeignKey(
        "ProjectVersion",
        verbose_name=_("approved version"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closure_note = models.TextField(_("closure note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_demo = models.BooleanField(default=False, editable=False)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("innovation project")
        verbose_name_plural = _("innovation projects")
        ordering = ["organization__short_name", "-starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="project_term_ordered",
                violation_error_message=_("The term must end after it starts."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", args=[self.pk])

    @property
    def is_approved(self) -> bool:
        return self.approved_version_id is not None

    @property
    def academic_years(self) -> list[AcademicYear]:
        first, last = AcademicYear.of(self.starts_on), AcademicYear.of(self.ends_on)
        return [AcademicYear(y) for y in range(first.start_year, last.start_year + 1)]


class ProjectVersion(models.Model):
    project = models.ForeignKey(InnovationProject, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    state = models.CharField(
        _("state"), max_length=16, choices=VersionState.choices, default=VersionState.DRAFT
    )
    passport: Any = models.JSONField(_("passport"), default=dict, blank=True)
    comment = models.TextField(_("methodologist's comment"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("project version")
        verbose_name_plural = _("project versions")
        ordering = ["project", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="project_version_unique_number"),
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(state__in=["draft", "submitted", "returned"]),
                name="project_one_open_version",
                violation_error_message=_("The project already has a draft."),
            ),
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(state="approved"),
                name="project_one_approved_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} — v{self.number}"

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_VERSION_STATES
