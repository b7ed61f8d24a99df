"""The admin of the projects app: read mostly; writes that carry rules go through the pages."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import (
    InnovationProject,
    Programme,
    ProgrammeResult,
    ProgrammeStage,
    ProjectProposal,
    ProjectReport,
    ProjectVersion,
    ReportReminder,
    RoadmapMark,
    SurveyItem,
    SurveyQuestionnaire,
    SurveyRun,
)


class StageInline(admin.TabularInline):
    model = ProgrammeStage
    extra = 0
    fields = ("number", "academic_year", "title", "weight")


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("title", "municipality", "starts_on", "ends_on", "is_published")
    list_filter = ("is_published", "municipality")
    search_fields = ("title",)
    list_select_related = ("municipality",)
    inlines = [StageInline]


@admin.register(ProgrammeResult)
class ProgrammeResultAdmin(admin.ModelAdmin):
    list_display = ("title", "stage", "source", "target", "planned_value", "actual_value", "weight")
    list_select_related = ("stage",)


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class VersionInline(admin.TabularInline):
    model = ProjectVersion
    extra = 0
    fields = ("number", "state", "submitted_at", "decided_at", "decided_by")
    readonly_fields = fields
    can_delete = False


@admin.register(InnovationProject)
class InnovationProjectAdmin(_ReadOnly):
    list_display = ("title", "organization", "starts_on", "ends_on", "approved_version", "closed_on")
    search_fields = ("title", "organization__short_name")
    list_select_related = ("organization", "approved_version")
    inlines = [VersionInline]


@admin.register(ProjectReport)
class ProjectReportAdmin(_ReadOnly):
    list_display = ("project", "kind", "academic_year", "due_on", "state")
    list_filter = ("state", "kind", "academic_year")
    list_select_related = ("project", "project__organization")


@admin.register(ReportReminder)
class ReportReminderAdmin(_ReadOnly):
    list_display = ("report", "kind", "sent_on", "recipients")
    list_select_related = ("report", "report__project", "report__project__organization")


@admin.register(ProjectProposal)
class ProjectProposalAdmin(_ReadOnly):
    list_display = ("project", "kind", "state", "created_at", "decided_at")
    list_filter = ("kind", "state")
    list_select_related = ("project",)


class ItemInline(admin.TabularInline):
    model = SurveyItem
    extra = 1
    fields = ("position", "scale", "text", "reversed")


@admin.register(SurveyQuestionnaire)
class SurveyQuestionnaireAdmin(admin.ModelAdmin):
    list_display = ("title", "is_default", "is_active")
    inlines = [ItemInline]


@admin.register(SurveyRun)
class SurveyRunAdmin(_ReadOnly):
    """Runs only: responses and participations are never shown one by one (anonymity)."""

    list_display = ("organization", "academic_year", "state", "closes_on")
    list_filter = ("state", "academic_year")
    list_select_related = ("organization",)
    exclude = ("salt",)


@admin.register(RoadmapMark)
class RoadmapMarkAdmin(_ReadOnly):
    list_display = ("organization", "step", "marked_on", "marked_by")
    list_select_related = ("organization", "marked_by")
