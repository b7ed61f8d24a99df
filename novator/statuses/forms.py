from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from novator.core.academic_year import AcademicYear
from novator.organizations.filters import (
    chosen_region,
    municipality_options,
    region_field,
    setup_region_filter,
)

from .models import StatusState
from .selectors import DEFAULT_SORT, SORTS, register_years, status_kind_list

_DATE = {"type": "date", "class": "form-control"}


def _academic_year(value: Any) -> AcademicYear | None:
    if not isinstance(value, str) or len(value) > 20:
        return None
    try:
        return AcademicYear.parse(value)
    except ValueError:
        return None


class RegisterFilterForm(forms.Form):
    """The register's search, filters and sorting; used by the page and the export alike.

    Each choice list is read once (one query each; the municipalities two, see
    `novator.organizations.filters`) when the form is made, so validating and rendering ask the database
    nothing more. `user`: whose municipalities to offer when there are too many to list them all.
    """

    q = forms.CharField(
        label=_("Organisation"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "class": "form-control", "placeholder": _("Name or ИНН")}
        ),
    )
    kind = forms.ChoiceField(
        label=_("Status"), required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    region = (
        region_field()
    )  # only when there are too many municipalities to list (novator.organizations.filters)
    municipality = forms.ChoiceField(
        label=_("Municipality"), required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    year = forms.CharField(
        label=_("Academic year of the start"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("Any state")), *StatusState.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    sort = forms.ChoiceField(
        label=_("Sort"), required=False, choices=[(k, k) for k in SORTS], widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind_field: Any = self.fields["kind"]
        kind_field.choices = [
            ("", _("All statuses")),
            *((k.code, f"{k.abbreviation} — {k.name}") for k in status_kind_list()),
        ]
        municipality_field: Any = self.fields["municipality"]
        asked_oktmo = self.data.get(self.add_prefix("municipality"), "") if self.is_bound else ""
        options = municipality_options(
            user=user, region_code=chosen_region(self), selected=[asked_oktmo], key="oktmo"
        )
        municipality_field.choices = [
            ("", _("All municipalities")),
            *((m.oktmo, m.name) for m in options.municipalities),
        ]
        setup_region_filter(self, options, before="municipality")
        years = [str(year) for year in register_years()]
        asked = _academic_year(self.data.get(self.add_prefix("year"), "") if self.is_bound else "")
        if asked is not None and str(asked) not in years:
            # a valid year outside the register still shows as chosen
            years = sorted([*years, str(asked)], reverse=True)
        year_widget: Any = self.fields["year"].widget
        year_widget.choices = [("", _("Any year")), *((y, y) for y in years)]

    def clean_year(self) -> AcademicYear | None:
        value = (self.cleaned_data.get("year") or "").strip()
        if not value:
            return None
        year = _academic_year(value)
        if year is None:
            raise forms.ValidationError(_("Write the academic year as 2022/23."), code="invalid_year")
        return year

    def selector_kwargs(self) -> dict[str, Any]:
        """Arguments for `selectors.status_list`. A bad filter is reported on its field and left out;
        the good ones still apply."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "search": data.get("q") or "",
            "kind_code": data.get("kind") or "",
            "municipality_oktmo": data.get("municipality") or "",
            "region_code": data.get("region") or "",
            "academic_year": data.get("year"),
            "state": data.get("state") or "",
            "sort": data.get("sort") or DEFAULT_SORT,
        }


class ExtendForm(forms.Form):
    """Extension of a status by an order: the new end, the order and (optionally) the grounds."""

    prefix = "extend"

    new_ends_on = forms.DateField(
        label=_("New end of the term"), widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d")
    )
    order_number = forms.CharField(
        label=_("Order number"),
        max_length=50,
        error_messages={"required": _("Give the number of the order.")},
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    order_date = forms.DateField(
        label=_("Order date"),
        error_messages={"required": _("Give the date of the order.")},
        widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"),
    )
    grounds = forms.CharField(
        label=_("Grounds"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
    )


class RevokeForm(forms.Form):
    """Early revocation of a status: the date, the grounds and the order."""

    prefix = "revoke"

    on = forms.DateField(label=_("Revoked on"), widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"))
    grounds = forms.CharField(
        label=_("Grounds for revocation"),
        max_length=2000,
        error_messages={"required": _("Give the grounds for revocation.")},
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
    )
    order_number = forms.CharField(
        label=_("Order number"),
        max_length=50,
        error_messages={"required": _("Give the number of the order.")},
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    order_date = forms.DateField(
        label=_("Order date"),
        error_messages={"required": _("Give the date of the order.")},
        widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class AwardForm(forms.Form):
    """Awarding a status by an order outside the contests (a КИП by the region's order, an МИП by the
    municipality's): the organisations and kinds offered are those the user may award."""

    organization: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Organisation"), queryset=None, widget=forms.Select(attrs={"class": "form-select"})
    )
    kind: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Status"), queryset=None, widget=forms.Select(attrs={"class": "form-select"})
    )
    project_title = forms.CharField(
        label=_("Innovation project"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    starts_on = forms.DateField(label=_("From"), widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"))
    years = forms.IntegerField(
        label=_("Term, years"),
        min_value=1,
        max_value=10,
        required=False,
        help_text=_("Empty: the default term of the status kind."),
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    order_number = forms.CharField(
        label=_("Order number"), max_length=50, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    order_date = forms.DateField(
        label=_("Order date"), widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from .selectors import award_choices

        organizations, kinds = award_choices(user=user)
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]
        self.fields["kind"].queryset = kinds  # type: ignore[attr-defined]
        self.fields["kind"].label_from_instance = lambda k: f"{k.abbreviation} — {k.name}"  # type: ignore[attr-defined]

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if not data.get("years"):
            data["years"] = data["kind"].default_term_years
        return data
