from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from novator.core.academic_year import AcademicYear
from novator.core.concurrency import VersionedFormMixin
from novator.organizations.models import Organization, Person

from .models import AUDIENCE_KINDS, AdoptionScope, CouncilDecision, Licence, ProductType
from .selectors import DEFAULT_SORT, adoptable_organizations

_DATE = {"type": "date", "class": "form-control"}
_TEXT = {"class": "form-control"}
_SELECT = {"class": "form-select"}

SORT_CHOICES = [
    ("relevance", _("Relevance")),
    ("newest", _("Newest")),
    ("adopted", _("Most adopted")),
    ("rated", _("Best rated")),
    ("title", _("Title")),
]


def parse_year(value: Any) -> AcademicYear | None:
    if not isinstance(value, str) or len(value) > 20:
        return None
    try:
        return AcademicYear.parse(value)
    except ValueError:
        return None


class CatalogueForm(forms.Form):
    """The catalogue's search, facets and sort (the page and its export links). No database queries."""

    search = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "class": "form-control",
                "placeholder": _("Words from the title or annotation"),
            }
        ),
    )
    type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Any type")), *ProductType.choices]
    )
    audience = forms.ChoiceField(
        label=_("For organisations"), required=False, choices=[("", _("Any")), *AUDIENCE_KINDS.choices]
    )
    municipality = forms.RegexField(label=_("Municipality"), required=False, regex=r"^\d{8}(\d{3})?$")
    year = forms.CharField(label=_("Academic year of approval"), required=False, max_length=9)
    sort = forms.ChoiceField(
        label=_("Sort"), required=False, choices=SORT_CHOICES, widget=forms.Select(attrs=_SELECT)
    )

    def clean_year(self) -> AcademicYear | None:
        value = (self.cleaned_data.get("year") or "").strip()
        if not value:
            return None
        year = parse_year(value)
        if year is None:
            raise forms.ValidationError(_("Write the academic year as 2022/23."), code="invalid_year")
        return year

    def selector_kwargs(self) -> dict[str, Any]:
        """Arguments for `product_search`/`product_facets`; a bad filter is reported and left out."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "query": data.get("search") or "",
            "type": data.get("type") or "",
            "audience": data.get("audience") or "",
            "municipality": data.get("municipality") or "",
            "year": data.get("year"),
        }

    @property
    def sort_value(self) -> str:
        return (self.cleaned_data.get("sort") if hasattr(self, "cleaned_data") else "") or DEFAULT_SORT


class _PeopleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} — {obj.organization.short_name}"


class _OrganizationsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.short_name} ({obj.municipality.name})"


class ProductForm(VersionedFormMixin, forms.Form):
    """A product's description; the council's fields only for those who may record its decision."""

    title = forms.CharField(label=_("Title"), max_length=500, widget=forms.TextInput(attrs=_TEXT))
    type = forms.ChoiceField(label=_("Type"), choices=ProductType.choices, widget=forms.Select(attrs=_SELECT))
    annotation = forms.CharField(
        label=_("Annotation"), max_length=10_000, widget=forms.Textarea(attrs={**_TEXT, "rows": 6})
    )
    author_organizations = _OrganizationsField(
        label=_("Author organisations"),
        queryset=Organization.objects.none(),
        widget=forms.SelectMultiple(attrs={**_SELECT, "size": 8}),
    )
    author_people = _PeopleField(
        label=_("Authors from their staff"),
        required=False,
        queryset=Person.objects.none(),
        widget=forms.SelectMultiple(attrs={**_SELECT, "size": 6}),
    )
    author_names = forms.CharField(
        label=_("Other authors"),
        required=False,
        max_length=500,
        help_text=_("Names as printed, separated by commas."),
        widget=forms.TextInput(attrs=_TEXT),
    )
    source_project = forms.CharField(
        label=_("Innovation project it came from"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs=_TEXT),
    )
    audience_kinds = forms.MultipleChoiceField(
        label=_("For organisations"),
        required=False,
        choices=AUDIENCE_KINDS.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    subjects = forms.CharField(
        label=_("Subjects and areas"), required=False, max_length=300, widget=forms.TextInput(attrs=_TEXT)
    )
    age_from = forms.IntegerField(
        label=_("Children's age from"),
        required=False,
        min_value=0,
        max_value=18,
        widget=forms.NumberInput(attrs=_TEXT),
    )
    age_to = forms.IntegerField(
        label=_("Children's age to"),
        required=False,
        min_value=0,
        max_value=18,
        widget=forms.NumberInput(attrs=_TEXT),
    )
    released_on = forms.DateField(
        label=_("Date of issue"), widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d")
    )
    licence = forms.ChoiceField(
        label=_("Licence for reuse"), choices=Licence.choices, widget=forms.Select(attrs=_SELECT)
    )
    version = forms.CharField(
        label=_("Version"), max_length=20, initial="1.0", widget=forms.TextInput(attrs=_TEXT)
    )
    council_date = forms.DateField(
        label=_("Date of the methodological council"),
        required=False,
        widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"),
    )
    council_decision = forms.ChoiceField(
        label=_("Decision of the council"),
        required=False,
        choices=[("", "—"), *CouncilDecision.choices],
        widget=forms.Select(attrs=_SELECT),
    )
    council_minutes = forms.CharField(
        label=_("Minutes number"), required=False, max_length=50, widget=forms.TextInput(attrs=_TEXT)
    )

    def __init__(self, *args: Any, user: Any, council: bool, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"released_on": timezone.localdate(), "version": "1.0"})
        super().__init__(*args, **kwargs)
        orgs: Any = self.fields["author_organizations"]
        orgs.queryset = (
            Organization.objects.filter(is_active=True)
            .select_related("municipality")
            .order_by("municipality__name", "short_name")
        )
        people: Any = self.fields["author_people"]
        people.queryset = (
            Person.objects.visible_to(user)
            .select_related("organization")
            .order_by("organization__short_name", "last_name")
        )
        if not council:
            for name in ("council_date", "council_decision", "council_minutes"):
                del self.fields[name]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("age_from"), data.get("age_to")
        if low is not None and high is not None and low > high:
            self.add_error("age_to", _("The upper age must not be lower than the lower one."))
        if "council_date" in self.fields and bool(data.get("council_date")) != bool(
            data.get("council_decision")
        ):
            self.add_error(
                "council_decision", _("Give both the date and the decision of the council, or neither.")
            )
        return data


class ProductFileForm(forms.Form):
    prefix = "file"

    upload = forms.FileField(
        label=_("File"),
        help_text=_("PDF, DOCX, ODT, XLSX, JPG or PNG; documents with macros are refused."),
        widget=forms.ClearableFileInput(attrs=_TEXT),
    )
    title = forms.CharField(
        label=_("Title"), required=False, max_length=255, widget=forms.TextInput(attrs=_TEXT)
    )


class AdoptionForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organization.objects.none(), widget=forms.Select(attrs=_SELECT)
    )
    adopted_on = forms.DateField(
        label=_("Adopted on"), widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d")
    )
    scope = forms.ChoiceField(
        label=_("Scope"), choices=AdoptionScope.choices, widget=forms.Select(attrs=_SELECT)
    )
    staff = _PeopleField(
        label=_("Staff involved"),
        required=False,
        queryset=Person.objects.none(),
        widget=forms.SelectMultiple(attrs={**_SELECT, "size": 6}),
    )
    changes = forms.CharField(
        label=_("What changed"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={**_TEXT, "rows": 4}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"adopted_on": timezone.localdate(), "scope": AdoptionScope.UNIT})
        super().__init__(*args, **kwargs)
        orgs: Any = self.fields["organization"]
        orgs.queryset = adoptable_organizations(user=user)
        orgs.label_from_instance = lambda o: f"{o.short_name} ({o.municipality.name})"
        people: Any = self.fields["staff"]
        people.queryset = (
            Person.objects.visible_to(user)
            .select_related("organization")
            .order_by("organization__short_name", "last_name")
        )


class OutcomeForm(forms.Form):
    outcome = forms.CharField(
        label=_("Outcome"), max_length=5000, widget=forms.Textarea(attrs={**_TEXT, "rows": 4})
    )
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        coerce=int,
        empty_value=None,
        required=False,
        choices=[("", "—"), *((n, str(n)) for n in range(5, 0, -1))],
        help_text=_("5 — very useful, 1 — not useful."),
        widget=forms.Select(attrs=_SELECT),
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=3000,
        help_text=_("Shown on the product's page."),
        widget=forms.Textarea(attrs={**_TEXT, "rows": 3}),
    )
    outcome_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"))
    close = forms.BooleanField(
        label=_("The adoption is finished (the organisation may adopt the product again later)"),
        required=False,
        initial=True,
    )

    @staticmethod
    def defaults() -> dict[str, Any]:
        return {"outcome_on": timezone.localdate(), "close": True}
