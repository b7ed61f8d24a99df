"""Forms of the programme pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from novator.accounts.scope import get_scope
from novator.core.concurrency import VersionedFormMixin
from novator.organizations.models import Municipality, Organization

from .. import metrics
from ..models import Programme, ProgrammeResult, ProgrammeStage
from .common import DATE_FORMAT, ServiceModelForm

TYPED = ""


class ProgrammeForm(VersionedFormMixin, ServiceModelForm):
    class Meta:
        model = Programme
        fields = [
            "title",
            "goal",
            "novelty",
            "description",
            "municipality",
            "organizer",
            "status_kind",
            "starts_on",
            "ends_on",
            "is_published",
        ]
        widgets = {
            "goal": forms.Textarea(attrs={"rows": 3}),
            "novelty": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 4}),
            "starts_on": forms.DateInput(attrs={"type": "date"}, format=DATE_FORMAT),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format=DATE_FORMAT),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = get_scope(user)
        municipalities = Municipality.objects.order_by("name")
        organizations = Organization.objects.filter(is_active=True).order_by("short_name")
        if not scope.is_admin:
            municipalities = municipalities.filter(pk__in=scope.methodologist_municipalities)
            organizations = organizations.filter(municipality_id__in=scope.methodologist_municipalities)
        fields: Any = self.fields
        fields["municipality"].queryset = municipalities
        fields["organizer"].queryset = organizations
        for name in ("title", "goal", "novelty", "description"):
            field = fields[name]
            if isinstance(field, forms.CharField):
                field.max_length = field.max_length or 10_000
                field.widget.attrs["maxlength"] = field.max_length

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The term must end after it starts."))
        return data


class StageForm(ServiceModelForm):
    class Meta:
        model = ProgrammeStage
        fields = ["number", "academic_year", "title", "audience", "tasks", "weight"]
        widgets = {"tasks": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"academic_year": _("For example 2022/23.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tasks: Any = self.fields["tasks"]
        tasks.max_length = 10_000


def measure_choices(stage: ProgrammeStage) -> list[Any]:
    """«How is it measured?»: typed in, or one of the registered sources with what it measures (grouped)."""
    choices: list[Any] = [(TYPED, _("Typed in by the methodologist"))]
    for source in metrics.sources():
        options = [(f"{source.key}|{value}", label) for value, label in source.choices(stage)]
        if options:
            choices.append((str(source.label), options))
    return choices


class ResultForm(ServiceModelForm):
    measure = forms.ChoiceField(
        label=_("How the actual value is known"),
        required=False,
        help_text=_("A result linked to a contest or to the register of statuses is counted by the system."),
    )

    class Meta:
        model = ProgrammeResult
        fields = ["title", "description", "unit", "planned_value", "actual_value", "weight", "position"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, stage: ProgrammeStage, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["measure"]
        field.choices = measure_choices(stage)
        field.widget.attrs["class"] = "form-select"
        if self.instance.pk and self.instance.source:
            self.initial.setdefault("measure", f"{self.instance.source}|{self.instance.target}")
        self.order_fields(
            ["title", "description", "measure", "planned_value", "unit", "actual_value", "weight"]
        )

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        measure = data.get("measure") or TYPED
        source, _sep, target = measure.partition("|")
        data["source"], data["target"] = source, target
        if source and data.get("actual_value") is not None:
            self.add_error("actual_value", _("The actual value of a measured result is counted, not typed."))
        return data
