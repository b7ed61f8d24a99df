from __future__ import annotations

from typing import Any

from django.contrib import admin

from . import services
from .models import Municipality, Organization, Person, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ("name", "oktmo", "region")
    list_filter = ("region",)
    search_fields = ("name", "oktmo")
    list_select_related = ("region",)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("short_name", "municipality", "kind", "subtype", "inn", "is_active")
    list_filter = ("kind", "is_active", "municipality__region", "municipality")
    search_fields = ("search_text",)
    list_select_related = ("municipality",)
    autocomplete_fields = ("municipality", "parent")
    readonly_fields = ("created_at", "updated_at")

    def get_search_results(self, request: Any, queryset: Any, search_term: str) -> Any:
        return queryset.search(search_term) if search_term else queryset, False

    def save_model(self, request: Any, obj: Organization, form: Any, change: bool) -> None:
        # Writes go through the services so the admin is audited and validated like every other path.
        data = {
            name: form.cleaned_data[name]
            for name in form.cleaned_data
            if name in services.ORGANIZATION_FIELDS
        }
        if change:
            fresh = Organization.objects.get(pk=obj.pk)
            services.organization_update(actor=request.user, organization=fresh, data=data)
        else:
            created = services.organization_create(actor=request.user, data=data)
            obj.pk = created.pk


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("last_name", "first_name", "middle_name", "position", "organization")
    search_fields = ("last_name", "first_name", "email")
    list_select_related = ("organization",)
    autocomplete_fields = ("organization", "user")

    def save_model(self, request: Any, obj: Person, form: Any, change: bool) -> None:
        # A consent withdrawn here hides the name everywhere at once, as through the staff page.
        before = Person.objects.get(pk=obj.pk).published_name if change else None
        super().save_model(request, obj, form, change)
        if change and obj.published_name != before:
            services.published_name_changed(obj)
