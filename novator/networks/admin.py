from django.contrib import admin

from .models import Agreement, Network, Partnership, PlanItem


class PartnershipInline(admin.TabularInline):
    model = Partnership
    extra = 0
    raw_id_fields = ["organization"]


class PlanItemInline(admin.TabularInline):
    model = PlanItem
    extra = 0
    raw_id_fields = ["event"]


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ["topic", "leader"]
    search_fields = ["topic", "leader__short_name"]
    list_select_related = ["leader"]
    raw_id_fields = ["leader", "leader_status"]
    inlines = [PartnershipInline, PlanItemInline]


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["number", "network", "signed_on", "valid_to"]
    list_select_related = ["network"]
