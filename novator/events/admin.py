from django.contrib import admin

from .models import Certificate, Event, Registration, Section, Talk


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "level", "starts_at", "capacity", "is_published"]
    list_filter = ["kind", "level", "is_published"]
    search_fields = ["title"]
    filter_horizontal = ["organizers"]
    inlines = [SectionInline]


@admin.register(Talk)
class TalkAdmin(admin.ModelAdmin):
    list_display = ["title", "section"]
    search_fields = ["title"]
    filter_horizontal = ["speakers"]
    list_select_related = ["section"]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["event", "person", "status", "attended_at"]
    list_filter = ["status"]
    list_select_related = ["event", "person"]
    raw_id_fields = ["event", "person", "registered_by"]
    readonly_fields = ["status", "queued_at", "attended_at"]


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["code", "person", "event", "role"]
    search_fields = ["code"]
    list_select_related = ["event", "person"]
    raw_id_fields = ["event", "person"]
    readonly_fields = ["code"]
