from django.contrib import admin
from django.http import HttpRequest

from .models import ActivityLog, Job


@admin.register(ActivityLog)
class ActivityLogAdmin(admin.ModelAdmin):
    list_display = ("created_at", "actor", "action", "object_repr")
    list_filter = ("action", "content_type")
    search_fields = ("object_repr", "actor__username")
    list_select_related = ("actor", "content_type")
    readonly_fields = [f.name for f in ActivityLog._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "state", "done", "total", "created_at", "created_by")
    list_filter = ("state", "kind")
    list_select_related = ("created_by",)
