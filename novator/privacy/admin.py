from __future__ import annotations

from typing import Any

from django.contrib import admin

from .models import PersonalDataAccess


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin):
    """Read-only: the log is evidence and is changed by nobody."""

    list_display = ("at", "actor", "kind", "person", "path")
    list_filter = ("kind",)
    list_select_related = ("actor", "person")
    search_fields = ("person__last_name", "actor__username", "path")
    date_hierarchy = "at"

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
