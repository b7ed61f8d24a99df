from django.contrib import admin

from .models import Invitation, JoinRequest, StaffImport


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "role", "organization", "municipality", "state", "created_at", "expires_at"]
    list_filter = ["state", "role"]
    search_fields = ["email"]
    raw_id_fields = ["organization", "municipality", "person", "invited_by", "user"]
    readonly_fields = ["token_hash", "created_at", "sent_at", "accepted_at", "revoked_at"]


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "state", "created_at"]
    list_filter = ["state"]
    raw_id_fields = ["user", "organization", "decided_by"]


@admin.register(StaffImport)
class StaffImportAdmin(admin.ModelAdmin):
    list_display = ["original_name", "organization", "state", "created_at"]
    raw_id_fields = ["organization", "created_by", "job"]
    readonly_fields = ["counts", "result", "notices"]
