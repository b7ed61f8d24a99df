"""Forms of the project pages: starting a project, its links, and the sections of the passport."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from novator.accounts.scope import get_scope
from novator.contests.models import Application
from novator.core.academic_year import AcademicYear
from novator.core.concurrency import VersionedFormMixin
from novator.core.dates import ddmmyyyy
from novator.organizations.models import Organization, Person
from novator.statuses.models import StatusAssignment

from ..models import InnovationProject
from ..passport import date_or_none, decimal_or_none, decimal_text, normalised
from .common import StyledForm, date_field, style, text_field

MAX_ROWS = 30


class ApplicationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.contest.title} ({obj.contest.academic_year}): {obj.project_title}"


class StatusChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        term = f"{obj.starts_on:%d.%m.%Y}–{obj.ends_on:%d.%m.%Y}"
        return f"{obj.kind.abbreviation} {term}: {obj.organization.short_name}"


def _applications(organizations: Any) -> Any:
    return (
        Application.objects.filter(organization__in=organizations)
        .exclude(state__in=["draft", "withdrawn"])
        .select_related("contest")
        .order_by("-contest__opens_at", "id")
    )


def _statuses(organizations: Any) -> Any:
    return (
        StatusAssignment.objects.filter(organization__in=organizations, revoked_on__isnull=True)
        .select_related("kind", "organization")
        .order_by("-starts_on", "id")
    )


class ProjectLinksForm(VersionedFormMixin, StyledForm):
    application = ApplicationChoiceField(
        label=_("Contest application the project came with"),
        queryset=Application.objects.none(),
        required=False,
    )
    status_assignment = StatusChoiceField(
        label=_("Status the project is carried out under"),
        queryset=StatusAssignment.objects.none(),
        required=False,
        help_text=_("The term of the status gives the schedule of the annual reports."),
    )
    starts_on = date_field(_("From"), required=False)
    ends_on = date_field(_("To"), required=False, help_text=_("Empty: the term of the status."))

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["application"].queryset = _applications(organizations)
        fields["status_assignment"].queryset = _statuses(organizations)

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The term must end after it starts."))
        if not data.get("status_assignment") and not (starts and ends) and not self.errors:
            raise forms.ValidationError(
                _("Give the term of the project, or choose the status it is carried out under.")
            )
        return data


class ProjectCreateForm(ProjectLinksForm):
    organization = forms.ModelChoiceField(label=_("Organisation"), queryset=Organization.objects.none())
    title = forms.CharField(label=_("Theme of the project"), max_length=500)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        scope = get_scope(user)
        organizations = Organization.objects.filter(is_active=True).order_by("short_name")
        if not scope.is_admin:
            organizations = organizations.filter(pk__in=scope.coordinator_organizations)
        super().__init__(*args, organizations=organizations, **kwargs)
        fields: Any = self.fields
        fields["organization"].queryset = organizations
        style(self)
        self.order_fields(
            ["organization", "title", "application", "status_assignment", "starts_on", "ends_on"]
        )

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        organization = data.get("organization")
        for name in ("application", "status_assignment"):
            linked = data.get(name)
            if linked is not None and organization is not None and linked.organization_id != organization.pk:
                self.add_error(name, _("Choose one of the organisation's own."))
        return data


class PassportGeneralForm(StyledForm):
    theme = forms.CharField(label=_("Theme"), max_length=500)
    goal = text_field(_("Goal"), rows=3, limit=3000)
    tasks = text_field(_("Tasks"), rows=5, limit=5000, help_text=_("One task per line."))
    novelty = text_field(_("Novelty"), rows=4)
    significance = text_field(_("Practical significance"), rows=4)
    expected_results = text_field(_("Expected results"), rows=4)
    resources = text_field(
        _("Resources"), rows=3, help_text=_("Staff, materials, finance, partners' contribution.")
    )
    risks = text_field(_("Risks and how they are reduced"), rows=3)

    @classmethod
    def initial_from(cls, passport: dict[str, Any]) -> dict[str, Any]:
        p = normalised(passport)
        return {
            **{k: p[k] for k in cls.base_fields if k != "tasks"},
            "tasks": "\n".join(map(str, p["tasks"])),
        }

    def to_passport(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["tasks"] = [line.strip() for line in data["tasks"].splitlines() if line.strip()]
        return data


def _decimal(label: Any, *, required: bool = False) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=required, max_digits=12, decimal_places=2, min_value=Decimal(0)
    )


class IndicatorForm(StyledForm):
    name = forms.CharField(label=_("Indicator"), max_length=500)
    unit = forms.CharField(label=_("Unit"), max_length=50, required=False)
    baseline = _decimal(_("Baseline"))

    def __init__(self, *args: Any, years: list[AcademicYear], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.years = years
        for year in years:
            self.fields[f"target_{year.start_year}"] = _decimal(_("Target %(year)s") % {"year": year})
        style(self)

    def to_row(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"].strip(),
            "unit": data.get("unit", "").strip(),
            "baseline": decimal_text(data.get("baseline")),
            "targets": {
                str(year): decimal_text(data[f"target_{year.start_year}"])
                for year in self.years
                if data.get(f"target_{year.start_year}") is not None
            },
        }

    @staticmethod
    def initial_from(row: dict[str, Any], years: list[AcademicYear]) -> dict[str, Any]:
        targets = row.get("targets") or {}
        initial = {
            "name": row.get("name", ""),
            "unit": row.get("unit", ""),
            "baseline": decimal_or_none(row.get("baseline")),
        }
        for year in years:
            initial[f"target_{year.start_year}"] = decimal_or_none(targets.get(str(year)))
        return initial


class PlanStageForm(StyledForm):
    title = forms.CharField(label=_("Stage"), max_length=500)
    starts_on = date_field(_("From"))
    ends_on = date_field(_("To"))
    activities = text_field(_("Activities"), rows=3, limit=5000)
    deliverables = text_field(_("Deliverables"), rows=2, limit=3000)

    def __init__(self, *args: Any, term: tuple[datetime.date, datetime.date], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.term = term

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends:
            if ends < starts:
                self.add_error("ends_on", _("The stage must end after it starts."))
            elif starts < self.term[0] or ends > self.term[1]:
                self.add_error(
                    "starts_on",
                    _("The stage must fall within the project's term (%(start)s – %(end)s).")
                    % {"start": ddmmyyyy(self.term[0]), "end": ddmmyyyy(self.term[1])},
                )
        return data

    def to_row(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"].strip(),
            "starts_on": data["starts_on"].isoformat(),
            "ends_on": data["ends_on"].isoformat(),
            "activities": data.get("activities", "").strip(),
            "deliverables": data.get("deliverables", "").strip(),
        }

    @staticmethod
    def initial_from(row: dict[str, Any]) -> dict[str, Any]:
        return {
            **row,
            "starts_on": date_or_none(row.get("starts_on")),
            "ends_on": date_or_none(row.get("ends_on")),
        }


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name}, {obj.position}"


class TeamMemberForm(StyledForm):
    person = PersonChoiceField(label=_("Staff member"), queryset=Person.objects.none())
    role = forms.CharField(label=_("Role in the project"), max_length=255)

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["person"]
        field.queryset = staff

    def to_row(self) -> dict[str, Any]:
        return {"person": self.cleaned_data["person"].pk, "role": self.cleaned_data["role"].strip()}


class PartnerForm(StyledForm):
    organization = forms.ModelChoiceField(
        label=_("Partner organisation"), queryset=Organization.objects.none()
    )
    role = forms.CharField(label=_("Its part in the project"), max_length=500, required=False)

    def __init__(self, *args: Any, partners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["organization"]
        field.queryset = partners

    def to_row(self) -> dict[str, Any]:
        organization = self.cleaned_data["organization"]
        return {
            "organization": organization.pk,
            "name": organization.short_name,
            "role": self.cleaned_data.get("role", "").strip(),
        }


class _UniqueRows(forms.BaseFormSet):
    key = ""
    message = _("Each appears once.")

    @staticmethod
    def _deleted(form: forms.Form) -> bool:
        return bool(getattr(form, "cleaned_data", {}).get("DELETE"))

    def clean(self) -> None:
        super().clean()
        seen = set()
        for form in self.forms:
            if not form.is_valid() or not form.has_changed() or self._deleted(form):
                continue
            value = form.cleaned_data.get(self.key)
            if value in seen:
                form.add_error(self.key, self.message)
            seen.add(value)

    def rows(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for form in self.forms:
            if form.has_changed() and not self._deleted(form):
                rows.append(getattr(form, "to_row")())  # noqa: B009 - every form of these sets has it
        return rows


class _TeamSet(_UniqueRows):
    key = "person"
    message = _("This person is already in the team.")


class _PartnerSet(_UniqueRows):
    key = "organization"
    message = _("This organisation is already a partner.")


class _PlainSet(_UniqueRows):
    key = "title"
    message = _("Each title appears once.")


def _factory(form: type[forms.Form], base: type[forms.BaseFormSet], extra: int = 2) -> Any:
    return forms.formset_factory(
        form,
        formset=base,
        extra=extra,
        can_delete=True,
        max_num=MAX_ROWS,
        validate_max=True,
        absolute_max=MAX_ROWS,
    )


class _IndicatorSet(_UniqueRows):
    key = "name"
    message = _("Each indicator appears once.")


IndicatorFormSet = _factory(IndicatorForm, _IndicatorSet)
PlanFormSet = _factory(PlanStageForm, _PlainSet)
TeamFormSet = _factory(TeamMemberForm, _TeamSet)
PartnerFormSet = _factory(PartnerForm, _PartnerSet, extra=1)


def partner_choices(project: InnovationProject) -> Any:
    return (
        Organization.objects.filter(is_active=True).exclude(pk=project.organization_id).order_by("short_name")
    )
