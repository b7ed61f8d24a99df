"""The admin of the expertise: expert profiles are edited here; commissions, assignments and sheets are
shown read-only (they change through the pages, whose services check the rules and write the audit log)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from .models import (
    Assignment,
    AssignmentProposal,
    Commission,
    CommissionMember,
    ConflictDeclaration,
    Expert,
    ProposalRow,
    Score,
    ScoreSheet,
)


@admin.register(Expert)
class ExpertAdmin(admin.ModelAdmin):
    list_display = ("__str__", "organization", "municipality")
    list_select_related = ("user", "organization", "municipality")
    search_fields = ("user__last_name", "user__first_name", "user__username")
    autocomplete_fields = ("organization",)
    raw_id_fields = ("user",)


class _ReadOnly:
    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class CommissionMemberInline(_ReadOnly, admin.TabularInline):
    model = CommissionMember
    extra = 0


@admin.register(Commission)
class CommissionAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ("contest", "chair", "assignments_published_at", "results_confirmed_at")
    list_select_related = ("contest", "chair__user")
    inlines = [CommissionMemberInline]


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ("expert", "application", "created_at")
    list_select_related = ("expert__user", "application__organization")


@admin.register(Assignment)
class AssignmentAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ("application", "expert", "source", "affinity", "created_at")
    list_filter = ("source",)
    list_select_related = ("application__organization", "expert__user")


class ProposalRowInline(_ReadOnly, admin.TabularInline):
    model = ProposalRow
    extra = 0
    raw_id_fields = ("application", "expert")


@admin.register(AssignmentProposal)
class AssignmentProposalAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ("contest", "state", "objective", "created_at", "accepted_at")
    list_filter = ("state",)
    list_select_related = ("contest",)
    inlines = [ProposalRowInline]


class ScoreInline(_ReadOnly, admin.TabularInline):
    model = Score
    extra = 0


@admin.register(ScoreSheet)
class ScoreSheetAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ("assignment", "state", "submitted_at", "version")
    list_filter = ("state",)
    list_select_related = ("assignment__application__organization", "assignment__expert__user")
    inlines = [ScoreInline]
