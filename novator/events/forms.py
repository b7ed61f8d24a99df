from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from novator.core.concurrency import VersionedFormMixin
from novator.organizations.filters import (
    chosen_region,
    municipality_options,
    region_field,
    setup_region_filter,
)
from novator.organizations.models import Municipality, Organization, Person

from .models import EventKind, EventLevel, Section, Talk

_TEXT = {"class": "form-control"}
_SELECT = {"class": "form-select"}
_DATE = {"type": "date", "class": "form-control"}


class EventFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={**_TEXT, "type": "search"}),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("any")), *list(EventKind.choices)],
        widget=forms.Select(attrs=_SELECT),
    )
    level = forms.ChoiceField(
        label=_("Level"),
        required=False,
        choices=[("", _("any")), *list(EventLevel.choices)],
        widget=forms.Select(attrs=_SELECT),
    )
    region = (
        region_field()
    )  # only when there are too many municipalities to list (novator.organizations.filters)
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        required=False,
        queryset=Municipality.objects.order_by("name"),  # validation: any municipality, by id
        widget=forms.Select(attrs=_SELECT),
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        asked = self.data.get(self.add_prefix("municipality"), "") if self.is_bound else ""
        options = municipality_options(user=user, region_code=chosen_region(self), selected=[asked])
        # the page offers a limited list (two queries); validation still accepts any municipality
        field: Any = self.fields["municipality"]
        field.widget.choices = [("", field.empty_label), *((m.pk, m.name) for m in options.municipalities)]
        setup_region_filter(self, options, before="municipality")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end of the period is before its start."))
        return data

    def selector_kwargs(self) -> dict[str, Any]:
        """Only the valid filters; a bad value is shown as an error and ignored."""
        data: dict[str, Any] = self.cleaned_data if self.is_valid() else {}
        if not self.is_valid():
            data = {k: v for k, v in getattr(self, "cleaned_data", {}).items() if k not in self.errors}
        municipality = data.get("municipality")
        return {
            "query": data.get("q") or "",
            "kind": data.get("kind") or "",
            "level": data.get("level") or "",
            "municipality": municipality.pk if municipality else None,
            "region": data.get("region") or "",
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }


class RegisterForm(forms.Form):
    person = forms.ModelChoiceField(
        label=_("Participant"), queryset=Person.objects.none(), widget=forms.Select(attrs=_SELECT)
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]


def month_param(value: str | None, today: datetime.date) -> tuple[int, int]:
    """`2024-03` → (2024, 3); anything else → the current month."""
    try:
        year_s, month_s = (value or "").split("-")
        year, month = int(year_s), int(month_s)
        if 1 <= month <= 12 and 1900 <= year <= 2999:
            return year, month
    except ValueError:
        pass
    return today.year, today.month


_DATETIME = {"type": "datetime-local", "class": "form-control"}


def _dt(label: Any, required: bool = True) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"],
        widget=forms.DateTimeInput(attrs=_DATETIME, format="%Y-%m-%dT%H:%M"),
    )


class EventForm(VersionedFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=500, widget=forms.TextInput(attrs=_TEXT))
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices, widget=forms.Select(attrs=_SELECT))
    level = forms.ChoiceField(
        label=_("Level"), choices=EventLevel.choices, widget=forms.Select(attrs=_SELECT)
    )
    organizers = forms.ModelMultipleChoiceField(
        label=_("Organisers"),
        queryset=Organization.objects.none(),
        widget=forms.SelectMultiple(attrs={**_SELECT, "size": 6}),
    )
    co_organiser_municipalities = forms.ModelMultipleChoiceField(
        label=_("Co-organiser municipalities"),
        queryset=Municipality.objects.select_related("region").order_by("name"),
        required=False,
        help_text=_(
            "An inter-municipal or regional event: the municipalities that organise it with the organisers' "
            "own. Registration is open to the organisations of every organising municipality (a regional "
            "event: of the region)."
        ),
        widget=forms.SelectMultiple(attrs={**_SELECT, "size": 4}),
    )
    starts_at = _dt(_("Starts at (Moscow time)"))
    ends_at = _dt(_("Ends at (Moscow time)"))
    place = forms.CharField(
        label=_("Place"), required=False, max_length=500, widget=forms.TextInput(attrs=_TEXT)
    )
    link = forms.URLField(
        label=_("Link"), required=False, assume_scheme="https", widget=forms.URLInput(attrs=_TEXT)
    )
    audience = forms.CharField(
        label=_("Audience"), required=False, max_length=500, widget=forms.TextInput(attrs=_TEXT)
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={**_TEXT, "rows": 5}),
    )
    capacity = forms.IntegerField(
        label=_("Places"),
        required=False,
        min_value=1,
        max_value=100_000,
        help_text=_("Empty: no limit."),
        widget=forms.NumberInput(attrs=_TEXT),
    )
    registration_opens_at = _dt(_("Registration opens at"), required=False)
    registration_closes_at = _dt(_("Registration closes at"), required=False)
    is_published = forms.BooleanField(label=_("Publish"), required=False, initial=True)

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organizers"].queryset = organizations  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("place") and not data.get("link") and "place" not in self.errors:
            self.add_error("place", _("Give the place or the link."))
        return data


class SectionForm(forms.Form):
    title = forms.CharField(label=_("Section"), max_length=500, widget=forms.TextInput(attrs=_TEXT))
    order = forms.IntegerField(
        label=_("Position"),
        required=False,
        min_value=0,
        max_value=1000,
        widget=forms.NumberInput(attrs=_TEXT),
    )


class TalkForm(forms.Form):
    """A talk; the speakers are chosen among the staff of the organisers, the current speakers, and the
    staff of one more organisation picked in `staff_of` (any organisation of the registry)."""

    section = forms.ModelChoiceField(
        label=_("Section"), queryset=Section.objects.none(), widget=forms.Select(attrs=_SELECT)
    )
    title = forms.CharField(label=_("Title of the talk"), max_length=500, widget=forms.TextInput(attrs=_TEXT))
    staff_of = forms.ModelChoiceField(
        label=_("Speakers from another organisation"),
        required=False,
        queryset=Organization.objects.select_related("municipality").order_by(
            "municipality__name", "short_name"
        ),
        help_text=_("Choose the organisation and press «Show its staff» to add its staff to the list."),
        widget=forms.Select(attrs=_SELECT),
    )
    speakers = forms.ModelMultipleChoiceField(
        label=_("Speakers"),
        required=False,
        queryset=Person.objects.none(),
        widget=forms.SelectMultiple(attrs={**_SELECT, "size": 8}),
    )
    abstract = forms.CharField(
        label=_("Abstract"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={**_TEXT, "rows": 8}),
    )
    accepted = forms.BooleanField(label=_("Accepted for the proceedings"), required=False)
    order = forms.IntegerField(
        label=_("Position"),
        required=False,
        min_value=0,
        max_value=1000,
        widget=forms.NumberInput(attrs=_TEXT),
    )

    def __init__(self, *args: Any, event: Any, current: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = event.sections.order_by("order", "pk")  # type: ignore[attr-defined]
        extra: int | None = None
        raw: Any = self.data.get("staff_of") if self.is_bound else self.initial.get("staff_of")
        if raw:
            try:
                extra = int(getattr(raw, "pk", raw))
            except (TypeError, ValueError):
                extra = None
        orgs = [o.pk for o in event.organizers.all()]
        people = Q(organization__in=orgs) | Q(pk__in=[p.pk for p in current])
        if extra:
            people |= Q(organization=extra)
        self.fields["speakers"].queryset = (  # type: ignore[attr-defined]
            Person.objects.filter(people)
            .select_related("organization")
            .order_by("organization__short_name", "last_name", "first_name")
        )
        self.fields["speakers"].label_from_instance = (  # type: ignore[attr-defined]
            lambda p: f"{p.full_name} — {p.position}, {p.organization.short_name}"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("accepted") and not (data.get("abstract") or "").strip():
            self.add_error("abstract", _("Only a talk with an abstract can go into the proceedings."))
        return data


class MaterialForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        required=False,
        max_length=300,
        help_text=_("Empty: the file's name."),
        widget=forms.TextInput(attrs=_TEXT),
    )
    talk = forms.ModelChoiceField(
        label=_("Talk"),
        required=False,
        queryset=Talk.objects.none(),
        empty_label=_("— the whole event —"),
        widget=forms.Select(attrs=_SELECT),
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, DOCX, ODT, XLSX, JPG or PNG."),
        widget=forms.ClearableFileInput(attrs=_TEXT),
    )
    is_public = forms.BooleanField(
        label=_("Public (otherwise only for registrants)"), required=False, initial=True
    )

    def __init__(self, *args: Any, event: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["talk"].queryset = (  # type: ignore[attr-defined]
            Talk.objects.filter(section__event=event).order_by("section__order", "section_id", "order", "pk")
        )
