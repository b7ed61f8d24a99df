from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from novator.core.concurrency import VersionedFormMixin
from novator.organizations.models import Organization

from .models import Indicator


class WeightsForm(forms.Form):
    """Weight and reference bounds per indicator, and the reason of the change."""

    note = forms.CharField(
        label=_("Reason for the change"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def __init__(
        self, *args: Any, indicators: list[Indicator], current: dict[str, Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        for ind in indicators:
            spec = current.get(ind.code, {})
            for key, label in (
                ("weight", _("weight")),
                ("lower", _("lower bound")),
                ("upper", _("upper bound")),
            ):
                self.fields[f"{ind.code}__{key}"] = forms.DecimalField(
                    label=f"{ind.name}: {label}",
                    initial=spec.get(key, 0 if key != "upper" else 1),
                    max_digits=14,
                    decimal_places=4,
                    min_value=Decimal(0) if key == "weight" else None,
                    widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "step": "any"}),
                )

    def rows(self) -> list[tuple[Indicator, list[Any]]]:
        return [(i, [self[f"{i.code}__{k}"] for k in ("weight", "lower", "upper")]) for i in self.indicators]

    def weights(self) -> dict[str, dict[str, Decimal]]:
        return {
            i.code: {k: self.cleaned_data[f"{i.code}__{k}"] for k in ("weight", "lower", "upper")}
            for i in self.indicators
        }


class YearForm(forms.Form):
    academic_year = forms.RegexField(label=_("Academic year"), regex=r"^\d{4}/\d{2}$", max_length=7)


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    academic_year = forms.RegexField(label=_("Academic year"), regex=r"^\d{4}/\d{2}$", max_length=7)
    due_on = forms.DateField(label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}))
    elements = forms.MultipleChoiceField(label=_("Data elements"), widget=forms.CheckboxSelectMultiple)
    organizations = forms.ModelMultipleChoiceField(
        label=_("Organisations that must answer"),
        queryset=Organization.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose the organisations that must answer.")},
    )

    def __init__(
        self,
        *args: Any,
        element_choices: list[tuple[str, str]],
        organizations: QuerySet[Organization],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["elements"].choices = element_choices  # type: ignore[attr-defined]
        field = self.fields["organizations"]
        field.queryset = organizations  # type: ignore[attr-defined]
        # every organisation of the operator's municipalities is ticked; untick those that need not answer
        field.initial = [o.pk for o in organizations]
        field.label_from_instance = lambda o: f"{o.short_name} ({o.municipality.name})"  # type: ignore[attr-defined]


class ResponseForm(VersionedFormMixin, forms.Form):
    """The values of a campaign's form; the rules are checked by the service."""

    def __init__(
        self, *args: Any, elements: list[Any], initial_values: dict[str, Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for element in elements:
            self.fields[element.code] = forms.CharField(
                label=f"{element.name}, {element.unit}" if element.unit else element.name,
                required=False,
                max_length=30,
                initial=initial_values.get(element.code) or "",
                widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "decimal"}),
            )
