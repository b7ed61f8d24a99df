from django.contrib import admin

from .models import (
    Campaign,
    CampaignReminder,
    CampaignResponse,
    DataElement,
    DataValue,
    IndexWeightChange,
    Indicator,
    MonitoringYear,
)


@admin.register(DataElement)
class DataElementAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "unit", "source", "position"]
    list_filter = ["source"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "numerator", "denominator", "factor", "direction"]


@admin.register(DataValue)
class DataValueAdmin(admin.ModelAdmin):
    list_display = ["element", "organization", "academic_year", "value", "source"]
    list_filter = ["academic_year", "source", "element"]
    list_select_related = ["element", "organization"]
    raw_id_fields = ["organization"]


@admin.register(IndexWeightChange)
class IndexWeightChangeAdmin(admin.ModelAdmin):
    list_display = ["created_at", "created_by", "note"]
    readonly_fields = ["created_at", "created_by", "note", "weights"]


@admin.register(MonitoringYear)
class MonitoringYearAdmin(admin.ModelAdmin):
    list_display = ["academic_year", "computed_at", "published"]
    readonly_fields = ["computed_at", "weights"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "academic_year", "due_on"]


@admin.register(CampaignResponse)
class CampaignResponseAdmin(admin.ModelAdmin):
    list_display = ["campaign", "organization", "state", "submitted_at"]
    list_filter = ["state"]
    list_select_related = ["campaign", "organization"]
    raw_id_fields = ["organization"]


@admin.register(CampaignReminder)
class CampaignReminderAdmin(admin.ModelAdmin):
    list_display = ["response", "kind", "sent_on", "recipients"]
    list_filter = ["kind"]
    list_select_related = ["response"]
    readonly_fields = ["response", "kind", "sent_on", "recipients"]
