"""The admin of the register: status kinds, and status assignments written through the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from novator.core import audit
from novator.core.text import fold

from . import services
from .models import StatusAssignment, StatusEvent, StatusKind


@admin.register(StatusKind)
class StatusKindAdmin(admin.ModelAdmin):
    list_display = ("abbreviation", "name", "code", "level", "default_term_years")
    list_filter = ("level",)
    search_fields = ("code", "abbreviation", "name")


class StatusEventInline(admin.TabularInline):
    """The award, extensions and revocation: a record of orders, never edited by hand."""

    model = StatusEvent
    extra = 0
    can_delete = False
    fields = (
        "on",
        "kind",
        "previous_ends_on",
        "new_ends_on",
        "order_number",
        "order_date",
        "grounds",
        "actor",
        "created_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class StatusAwardForm(forms.ModelForm):
    """Awarding a status by hand (an order outside the contests): the term is given in years."""

    actor: Any = None

    years = forms.IntegerField(
        label=_("Term, years"),
        min_value=1,
        max_value=10,
        required=False,
        help_text=_("Empty: the default term of the status kind."),
    )

    class Meta:
        model = StatusAssignment
        fields = ["organization", "kind", "starts_on", "order_number", "order_date", "project_title"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        organization, kind = data.get("organization"), data.get("kind")
        if (
            organization is not None
            and self.actor is not None
            and not self.actor.has_perm(
                "statuses.award_status", StatusAssignment(organization=organization, kind=kind)
            )
        ):
            raise ValidationError(_("You cannot award statuses to organisations of this municipality."))
        if kind is not None and not data.get("years"):
            data["years"] = kind.default_term_years
        return data


class StatusCorrectionForm(forms.ModelForm):
    actor: Any = None

    class Meta:
        model = StatusAssignment
        fields = list(services.CORRECTABLE_FIELDS)


@admin.register(StatusAssignment)
class StatusAssignmentAdmin(admin.ModelAdmin):
    list_display = (
        "organization",
        "kind",
        "starts_on",
        "ends_on",
        "state_display",
        "order_number",
        "revoked_on",
    )
    list_filter = ("kind", "kind__level", "organization__municipality")
    list_select_related = ("kind", "organization", "organization__municipality")
    search_fields = ("organization__search_text", "order_number", "project_title")
    date_hierarchy = "starts_on"
    autocomplete_fields = ("organization",)
    inlines = [StatusEventInline]
    actions = None

    change_readonly = (
        "organization",
        "kind",
        "starts_on",
        "ends_on",
        "revoked_on",
        "revocation_grounds",
        "is_demo",
        "created_at",
        "updated_at",
    )

    @admin.display(description=_("state"))
    def state_display(self, obj: StatusAssignment) -> str:
        return obj.state_label

    def get_search_results(self, request: Any, queryset: Any, search_term: str) -> Any:
        for word in fold(search_term).split()[:8]:
            queryset = queryset.filter(organization__search_text__contains=word) | queryset.filter(
                order_number__icontains=word
            )
        return queryset, False

    def get_form(self, request: Any, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        kwargs["form"] = StatusCorrectionForm if obj is not None else StatusAwardForm
        if obj is not None:
            kwargs["fields"] = list(services.CORRECTABLE_FIELDS)
        form: Any = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user  # the class is made for this request
        return form

    def get_fields(self, request: Any, obj: Any = None) -> Any:
        if obj is None:
            return [
                "organization",
                "kind",
                "starts_on",
                "years",
                "order_number",
                "order_date",
                "project_title",
            ]
        return [*self.change_readonly[:6], *services.CORRECTABLE_FIELDS, *self.change_readonly[6:]]

    def get_readonly_fields(self, request: Any, obj: Any = None) -> Any:
        return self.change_readonly if obj is not None else ()

    def get_inlines(self, request: Any, obj: Any = None) -> Any:
        return self.inlines if obj is not None else []

    def save_model(self, request: Any, obj: StatusAssignment, form: Any, change: bool) -> None:
        # Writes go through the services: validated, with the event and the audit record.
        data = form.cleaned_data
        if change:
            fresh = StatusAssignment.objects.get(pk=obj.pk)
            services.status_update(
                actor=request.user,
                assignment=fresh,
                data={name: data[name] for name in services.CORRECTABLE_FIELDS if name in data},
            )
        else:
            created = services.status_award(
                actor=request.user,
                organization=data["organization"],
                kind=data["kind"],
                starts_on=data["starts_on"],
                years=data["years"],
                order_number=data.get("order_number") or "",
                order_date=data.get("order_date"),
                project_title=data.get("project_title") or "",
            )
            obj.pk = created.pk

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        # A status ends by revocation; deleting is for a record made by mistake, by a superuser.
        return bool(request.user.is_superuser)

    def delete_model(self, request: Any, obj: StatusAssignment) -> None:
        audit.record(
            actor=request.user,
            action="status.delete",
            obj=obj,
            changes={"kind": [str(obj.kind), None], "organization": [str(obj.organization), None]},
        )
        super().delete_model(request, obj)
