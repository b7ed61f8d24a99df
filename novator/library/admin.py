"""The library in the admin: for looking up records. Writes go through the pages (and the services),
which keep the search index and the audit log in step."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Adoption, MethodProduct, ProductFile


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ProductFileInline(admin.TabularInline):
    model = ProductFile
    fields = ("title", "original_name", "file_type", "size", "uploaded_at")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(MethodProduct)
class MethodProductAdmin(_ReadOnly):
    list_display = ("title", "type", "released_on", "council_decision", "licence", "is_published")
    list_filter = ("type", "is_published", "council_decision", "licence")
    search_fields = ("title", "annotation")
    inlines = [ProductFileInline]


@admin.register(Adoption)
class AdoptionAdmin(_ReadOnly):
    list_display = ("product", "organization", "adopted_on", "scope", "rating", "closed_on")
    list_filter = ("scope", "rating")
    list_select_related = ("product", "organization")
    search_fields = ("product__title", "organization__search_text")
    date_hierarchy = "adopted_on"
