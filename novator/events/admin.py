from django.contrib import admin

from .models import Certificate, Event, Material, Proceedings, Registration, Section, Talk


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
    list_display = ["title", "section", "accepted"]
    list_filter = ["accepted"]
    search_fields = ["title"]
    filter_horizontal = ["speakers"]
    list_select_related = ["section"]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["event", "person", "status", "attended_at"]
    list_filter = ["status"]
    list_select_related = ["event", "person"]
    raw_id_fields = ["event", "person", "registered_by"]
    readonly_fields = ["status", "queued_at", "attended_at", "reminded_at"]


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["code", "person", "event", "role"]
    search_fields = ["code"]
    list_select_related = ["event", "person"]
    raw_id_fields = ["event", "person"]
    readonly_fields = ["code"]


@admin.register(Material)
class MaterialAdmin(admin.ModelAdmin):
    """Uploads go through the organiser's page (type checked by content); here they are only listed."""

    list_display = ["title", "event", "talk", "file_type", "is_public"]
    list_filter = ["is_public", "file_type"]
    list_select_related = ["event", "talk"]
    raw_id_fields = ["event", "talk", "uploaded_by"]
    readonly_fields = ["file", "file_type", "size"]


@admin.register(Proceedings)
class ProceedingsAdmin(admin.ModelAdmin):
    list_display = ["event", "abstracts", "updated_at"]
    list_select_related = ["event"]
    raw_id_fields = ["event", "built_by"]
    readonly_fields = ["docx", "pdf", "abstracts"]
