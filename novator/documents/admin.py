from django.contrib import admin

from .models import OutgoingOrder, Requisites


@admin.register(Requisites)
class RequisitesAdmin(admin.ModelAdmin):
    list_display = ("short_name", "kind", "municipality", "region", "head_name")
    list_filter = ("kind",)
    search_fields = ("full_name", "short_name")


@admin.register(OutgoingOrder)
class OutgoingOrderAdmin(admin.ModelAdmin):
    list_display = ("requisites", "year", "number", "date", "title")
    list_filter = ("year",)
    readonly_fields = ("requisites", "year", "number", "date", "registered_by", "created_at")
