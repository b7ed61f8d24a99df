from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from novator.core.concurrency import VersionedFormMixin
from novator.events.models import Event
from novator.organizations.models import Organization

_TEXT = {"class": "form-control"}
_SELECT = {"class": "form-select"}
_DATE = {"type": "date", "class": "form-control"}


def _date(label: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"))


class NetworkForm(forms.Form):
    leader = forms.ModelChoiceField(
        label=_("Leader organisation"),
        queryset=Organization.objects.none(),
        widget=forms.Select(attrs=_SELECT),
    )
    topic = forms.CharField(label=_("Topic"), max_length=500, widget=forms.TextInput(attrs=_TEXT))
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={**_TEXT, "rows": 4}),
    )

    def __init__(self, *args: Any, leaders: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = leaders  # type: ignore[attr-defined]


class PartnerForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Partner organisation"),
        queryset=Organization.objects.select_related("municipality__region").order_by(
            "municipality__name", "short_name"
        ),
        help_text=_("Organisations of every district of the leader's region."),
        widget=forms.Select(attrs=_SELECT),
    )

    def __init__(self, *args: Any, region: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if region is not None:
            # the list offers the leader's region; the service refuses any other one with a message
            field: Any = self.fields["organization"]
            offered = field.queryset.filter(municipality__region_id=region)
            field.widget.choices = [
                ("", field.empty_label),
                *((o.pk, f"{o.short_name} ({o.municipality.name})") for o in offered),
            ]


class AgreementForm(forms.Form):
    number = forms.CharField(label=_("Number"), max_length=50, widget=forms.TextInput(attrs=_TEXT))
    signed_on = _date(_("Signed on"))
    valid_from = _date(_("Valid from"))
    valid_to = _date(_("Valid to"))
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("PDF, DOCX, ODT, JPG or PNG."),
        widget=forms.ClearableFileInput(attrs=_TEXT),
    )


class PlanItemForm(forms.Form):
    title = forms.CharField(label=_("What is planned"), max_length=500, widget=forms.TextInput(attrs=_TEXT))
    planned_on = _date(_("Planned for"))
    event = forms.ModelChoiceField(
        label=_("Event"),
        required=False,
        queryset=Event.objects.filter(is_published=True).order_by("-starts_at"),
        widget=forms.Select(attrs=_SELECT),
    )


class AgreementEditForm(VersionedFormMixin, AgreementForm):
    remove_file = forms.BooleanField(label=_("Remove the file"), required=False)


class PlanItemEditForm(VersionedFormMixin, PlanItemForm):
    """A plan item's edit page: with the version token of the item."""


class ReportForm(forms.Form):
    year = forms.CharField(label=_("Academic year"), max_length=9, widget=forms.TextInput(attrs=_TEXT))

    def clean_year(self) -> int:
        from novator.core.academic_year import AcademicYear

        try:
            return AcademicYear.parse(self.cleaned_data["year"]).start_year
        except ValueError:
            raise forms.ValidationError(_("Write the academic year as 2023/24.")) from None
