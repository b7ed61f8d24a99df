"""Forms of the contest pages. They check the shape of input; the services check the rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from novator.accounts.scope import get_scope
from novator.core.concurrency import VERSION_FIELD, VersionedFormMixin, version_token
from novator.core.files import DOCUMENT_TYPES, FILE_TYPES
from novator.core.forms import style
from novator.organizations.filters import MunicipalityOptions, municipality_options
from novator.organizations.models import Municipality, Organization, OrganizationKind, Person, Region
from novator.statuses.models import StatusKind

from .models import (
    ApplicationState,
    Category,
    Contest,
    ContestKind,
    ContestLevel,
    ContestState,
    Criterion,
    FormSection,
    RequiredDocument,
    Round,
    ThresholdKind,
)

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
ACADEMIC_YEAR_HINT = _("For example 2022/23.")


def _datetime_widget() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)


class ServiceModelForm(forms.ModelForm):
    """A model form whose model validation runs in the service (which reports back into the form)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)

    def _post_clean(self) -> None:
        pass


# ---------------------------------------------------------------------------------------------------
# Contests


class ContestFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False)
    status_kind = forms.ChoiceField(label=_("Status"), required=False)
    academic_year = forms.ChoiceField(label=_("Academic year"), required=False)

    def __init__(self, *args: Any, years: list[str], status_kinds: list[StatusKind], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("All states")), *ContestState.choices]  # type: ignore[attr-defined]
        self.fields["status_kind"].choices = [  # type: ignore[attr-defined]
            ("", _("All statuses")),
            *((k.code, f"{k.abbreviation} — {k.name}") for k in status_kinds),
        ]
        self.fields["academic_year"].choices = [("", _("All years")), *((y, y) for y in years)]  # type: ignore[attr-defined]
        style(self)

    def selector_kwargs(self) -> dict[str, Any]:
        """Arguments for `selectors.contest_list`; invalid filters are ignored, not fatal."""
        if not self.is_bound or not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}


#: chosen before scoring starts; the expertise app locks them once a sheet is submitted
SCORING_FIELDS = ("official_ranking", "calibration_min_sheets", "spread_threshold_percent")
#: Settings only a status contest has (hidden on the form while «professional» is chosen).
STATUS_FIELDS = ("status_kind", "status_term_years", "threshold_kind", "threshold_value")
#: Settings of professional contests; empty keeps the default, ignored for status contests.
PROFESSIONAL_FIELDS = (
    "series",
    "min_experience_years",
    "exclude_administrators",
    "exclude_winners_years",
    "score_formula",
    "laureates_per_nomination",
    "next_stage_title",
)


class ContestForm(VersionedFormMixin, ServiceModelForm):
    eligible_kinds = forms.MultipleChoiceField(
        label=_("Eligible kinds of organisations"),
        choices=OrganizationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None checked: organisations of every kind may apply."),
    )
    regulation_file = forms.FileField(
        label=_("Regulation (file)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ".pdf,.docx,.odt"}),
        help_text=_("PDF, DOCX or ODT, up to 20 MB."),
    )
    remove_regulation_file = forms.BooleanField(label=_("Remove the regulation file"), required=False)
    with_defaults = forms.BooleanField(
        label=_("Add the default criteria, form sections, documents and categories"),
        required=False,
        initial=True,
        help_text=_(
            "Seven criteria of 0–3 points (relevance, novelty, grounding, feasibility, measurable results, "
            "transferability, quality of documents), the usual sections of an innovation project, the "
            "usual documents and the categories ДОУ and schools. Everything can be changed afterwards."
        ),
    )

    class Meta:
        model = Contest
        fields = [
            "kind",
            "title",
            "status_kind",
            "level",
            "organiser_municipality",
            "organiser_region",
            "coorganisers",
            "academic_year",
            "opens_at",
            "closes_at",
            "regulation_text",
            "regulation_file",
            "remove_regulation_file",
            "eligible_kinds",
            "eligible_municipalities",
            "status_term_years",
            "threshold_kind",
            "threshold_value",
            "experts_per_application",
            "require_external_experts",
            "comment_required_below_max",
            "show_expert_names",
            "official_ranking",
            "calibration_min_sheets",
            "spread_threshold_percent",
            "appeal_working_days",
            *PROFESSIONAL_FIELDS,
        ]
        widgets = {
            "opens_at": _datetime_widget(),
            "closes_at": _datetime_widget(),
            "regulation_text": forms.Textarea(attrs={"rows": 8}),
            "eligible_municipalities": forms.SelectMultiple(attrs={"size": 6}),
            "coorganisers": forms.SelectMultiple(attrs={"size": 6}),
        }
        help_texts = {
            "academic_year": ACADEMIC_YEAR_HINT,
            "opens_at": _("Moscow time."),
            "closes_at": _("Moscow time. Submissions after this moment are refused."),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        creating = self.instance.pk is None
        scope = get_scope(user)
        municipalities = Municipality.objects.select_related("region").order_by("name")
        self.fields["eligible_municipalities"].queryset = municipalities  # type: ignore[attr-defined]
        offered = self._offered_municipalities(user)
        self.fields["status_kind"].queryset = StatusKind.objects.all()  # type: ignore[attr-defined]
        organiser = self.fields["organiser_municipality"]
        self.fields["coorganisers"].queryset = municipalities  # type: ignore[attr-defined]
        self.fields["coorganisers"].help_text = _(
            "Inter-municipal contests only: the municipalities of the lead organiser's region that organise "
            "it with the lead. Each checks the applications from its own municipality."
        )
        level: Any = self.fields["level"]
        level.help_text = _(
            "Municipal: one organiser. Inter-municipal: the lead organiser and co-organisers; organisations "
            "of all of them may apply. Regional: organised by the region (a regional methodologist), "
            "organisations of the whole region may apply."
        )
        levels = [ContestLevel.MUNICIPAL, ContestLevel.INTERMUNICIPAL, ContestLevel.REGIONAL]
        if not scope.is_admin:
            levels = [
                *(
                    [ContestLevel.MUNICIPAL, ContestLevel.INTERMUNICIPAL]
                    if scope.methodologist_municipalities
                    else []
                ),
                *([ContestLevel.REGIONAL] if scope.regional_regions else []),
            ]
        level.choices = [(v.value, v.label) for v in levels]
        level.required = False  # empty: municipal, or regional when only a region is chosen
        if creating and levels:
            level.initial = levels[0].value
        if scope.is_admin:
            organiser.queryset = municipalities  # type: ignore[attr-defined]
            self.fields["organiser_region"].queryset = Region.objects.all()  # type: ignore[attr-defined]
            organiser.help_text = _(
                "The municipality that organises (leads) a municipal or inter-municipal contest."
            )
            self.fields["organiser_region"].help_text = _("The region that organises a regional contest.")
        else:
            if scope.regional_regions:
                region: Any = self.fields["organiser_region"]
                region.queryset = Region.objects.filter(pk__in=scope.regional_regions)
                region.empty_label = None if not scope.methodologist_municipalities else region.empty_label
            else:
                del self.fields["organiser_region"]
            if scope.methodologist_municipalities:
                organiser.queryset = municipalities.filter(pk__in=scope.methodologist_municipalities)  # type: ignore[attr-defined]
                organiser.required = not scope.regional_regions
                organiser.empty_label = None  # type: ignore[attr-defined]
            else:
                del self.fields["organiser_municipality"]
                del self.fields["coorganisers"]
        # The lists render the municipalities read once (all of them, or when there are too many those
        # of the contest's region(s) and the ones already chosen); validation goes by the querysets.
        eligible: Any = self.fields["eligible_municipalities"]
        eligible.widget.choices = [(m.pk, str(m)) for m in offered.municipalities]
        if "coorganisers" in self.fields:
            self.fields["coorganisers"].widget.choices = eligible.widget.choices
        if offered.limited:
            eligible.help_text = _("The municipalities of the organiser's region; save the organiser first.")
        if scope.is_admin:
            organiser.widget.choices = [
                ("", organiser.empty_label),  # type: ignore[attr-defined]
                *((m.pk, str(m)) for m in offered.municipalities),
            ]
        for name in (
            *SCORING_FIELDS,
            "appeal_working_days",
            *PROFESSIONAL_FIELDS,
        ):  # empty: the defaults (raw ranking, 5 sheets, 30 %, 3 working days for appeals)
            self.fields[name].required = False
        # only the fields of the chosen kind are shown (novator.js hides the others: data-kind-only)
        for name in PROFESSIONAL_FIELDS:
            self.fields[name].kind_only = ContestKind.PROFESSIONAL  # type: ignore[attr-defined]
        for name in STATUS_FIELDS:
            self.fields[name].kind_only = ContestKind.STATUS  # type: ignore[attr-defined]
        if not creating:
            del self.fields["with_defaults"]
        if self.instance.regulation_file:
            self.fields["regulation_file"].help_text = _(
                "The current file is %(name)s; choose a new file to replace it."
            ) % {"name": self.instance.regulation_file.name.rsplit("/", 1)[-1]}
        else:
            del self.fields["remove_regulation_file"]

    def _offered_municipalities(self, user: Any) -> MunicipalityOptions:
        """The municipalities the form's lists offer when there are too many to list them all (two
        queries): those of the organiser's region (the contest's, the one being chosen, or the
        methodologist's own), and the ones already chosen."""
        scope = get_scope(user)
        instance = self.instance
        regions: list[Any] = [instance.organiser_region_id]
        if instance.organiser_municipality_id:
            regions.append(instance.organiser_municipality.region_id)
        selected: list[Any] = [instance.organiser_municipality_id]
        if self.is_bound:
            region = self.data.get(self.add_prefix("organiser_region"), "")
            regions.append(int(region) if isinstance(region, str) and region.isdigit() else None)
            selected.append(self.data.get(self.add_prefix("organiser_municipality"), ""))
            for name in ("eligible_municipalities", "coorganisers"):
                key = self.add_prefix(name)
                chosen = self.data.getlist(key) if hasattr(self.data, "getlist") else self.data.get(key)
                selected.extend(chosen if isinstance(chosen, list | tuple) else [chosen])
        else:
            for name in ("eligible_municipalities", "coorganisers"):
                selected.extend(getattr(m, "pk", m) for m in self.initial.get(name) or [])
        regions.extend(scope.regional_regions)
        if scope.methodologist_municipalities and not scope.is_admin:
            own = Municipality.objects.filter(pk__in=scope.methodologist_municipalities).values("region_id")
            return municipality_options(user=user, regions=own, selected=selected)
        return municipality_options(user=user, regions=regions, selected=selected)

    def clean(self) -> dict[str, Any]:
        """Impossible set-ups are refused here, with the field named: a window that closes before it opens,
        a pass mark above the maximum (over 100 %, or more points than the criteria give)."""
        data = super().clean() or {}
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("Applications must close after they open."))
        kind, value = data.get("threshold_kind"), data.get("threshold_value")
        if value is not None and kind == ThresholdKind.PERCENT and value > 100:
            self.add_error("threshold_value", _("The pass mark is a share of the maximum: from 0 to 100 %."))
        elif value is not None and kind == ThresholdKind.POINTS and self.instance.pk:
            maximum = self.instance.max_total
            if maximum and value > maximum:
                self.add_error(
                    "threshold_value",
                    _("The pass mark cannot exceed the maximum total of the criteria (%(max)s points).")
                    % {"max": number_format(maximum.normalize(), use_l10n=True)},
                )
        return data

    def service_data(self) -> dict[str, Any]:
        skip = ("regulation_file", "remove_regulation_file", "with_defaults", VERSION_FIELD)
        data = {k: v for k, v in self.cleaned_data.items() if k not in skip}
        data.setdefault("organiser_region", None)
        data.setdefault("organiser_municipality", None)
        data["coorganisers"] = list(data.get("coorganisers") or [])
        if not data.get("level"):
            data.pop("level", None)
        for name in (*SCORING_FIELDS, "appeal_working_days"):
            if data.get(name) in (None, ""):
                data.pop(name, None)
        for name in PROFESSIONAL_FIELDS:
            if data.get("kind") != ContestKind.PROFESSIONAL or data.get(name) is None:
                data.pop(name, None)
            elif name in ("score_formula",) and not data[name]:
                data.pop(name)
        upload = self.cleaned_data.get("regulation_file")
        if isinstance(upload, UploadedFile):
            data["regulation_file"] = upload
        elif self.cleaned_data.get("remove_regulation_file"):
            data["regulation_file"] = False
        return data


class ContestCopyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=500)
    academic_year = forms.CharField(label=_("Academic year"), max_length=7, help_text=ACADEMIC_YEAR_HINT)
    opens_at = forms.DateTimeField(label=_("Applications open"), widget=_datetime_widget())
    closes_at = forms.DateTimeField(label=_("Applications close"), widget=_datetime_widget())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class OrderForm(forms.Form):
    number = forms.CharField(label=_("Order number"), max_length=50)
    date = forms.DateField(
        label=_("Order date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class ReasonForm(forms.Form):
    """The reason (and, for a return, the due date) of a transition; the service says when they are needed."""

    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    due = forms.DateTimeField(
        label=_("Fixes due"), required=False, widget=_datetime_widget(), help_text=_("Moscow time.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


# ---------------------------------------------------------------------------------------------------
# Set-up of a contest


class CategoryForm(ServiceModelForm):
    organization_kinds = forms.MultipleChoiceField(
        label=_("Kinds of organisations"),
        choices=OrganizationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Organisations of these kinds apply in this category (none checked: any)."),
    )

    class Meta:
        model = Category
        fields = ["name", "organization_kinds", "quota", "experts_per_application", "position"]

    def clean_quota(self) -> Any:
        quota = self.cleaned_data.get("quota")
        if quota is not None and quota < 1:
            raise forms.ValidationError(_("A quota is at least one winner; leave it empty for no limit."))
        return quota


class CriterionForm(ServiceModelForm):
    class Meta:
        model = Criterion
        fields = ["name", "description", "max_points", "weight", "position", "round"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, contest: Contest | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if contest is None or contest.kind != ContestKind.PROFESSIONAL:
            del self.fields["round"]
        else:
            self.fields["round"].queryset = contest.rounds.all()  # type: ignore[attr-defined]
            self.fields["round"].required = True


class RoundForm(ServiceModelForm):
    class Meta:
        model = Round
        fields = [
            "title",
            "format",
            "tasks",
            "starts_on",
            "ends_on",
            "advance_rule",
            "advance_value",
            "position",
        ]
        widgets = {
            "tasks": forms.Textarea(attrs={"rows": 3}),
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, contest: Contest | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["position"].required = False


class FormSectionForm(ServiceModelForm):
    class Meta:
        model = FormSection
        fields = ["title", "key", "help_text", "max_length", "required", "position"]
        widgets = {"help_text": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"key": _("Latin letters, digits and _; made from the title when empty.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["key"].required = False


class RequiredDocumentForm(ServiceModelForm):
    allowed_types = forms.MultipleChoiceField(
        label=_("Allowed types"),
        choices=[(t, FILE_TYPES[t]["label"]) for t in DOCUMENT_TYPES],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one allowed file type.")},
    )

    class Meta:
        model = RequiredDocument
        fields = ["title", "allowed_types", "max_size_mb", "required", "position"]


for _form in (CategoryForm, CriterionForm, FormSectionForm, RequiredDocumentForm):
    _form.base_fields["position"].required = False


# ---------------------------------------------------------------------------------------------------
# Applications


class SectionTextField(forms.CharField):
    """A text section: browsers send line breaks as CRLF; they are counted as one character, as typed."""

    def to_python(self, value: Any) -> str:
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if isinstance(value, str) else value


class ApplicationStartForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organization.objects.none(),
        error_messages={"invalid_choice": _("You can apply only for the organisations you coordinate.")},
    )
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none())
    project_title = forms.CharField(label=_("Project title"), max_length=500)
    applicant = forms.ModelChoiceField(
        label=_("Nominee"),
        queryset=Person.objects.none(),
        error_messages={"invalid_choice": _("Choose a member of staff of your organisation.")},
    )
    experience_years = forms.IntegerField(label=_("Teaching experience, years"), min_value=0, max_value=70)

    def __init__(self, *args: Any, contest: Contest, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if contest.kind == ContestKind.PROFESSIONAL:
            self.fields["applicant"].queryset = Person.objects.filter(  # type: ignore[attr-defined]
                organization__in=organizations
            ).order_by("last_name", "first_name", "pk")
            self.fields["category"].label = _("Nomination")
            self.fields["project_title"].label = _("Theme of the teaching experience")
        else:
            del self.fields["applicant"]
            del self.fields["experience_years"]
        field = self.fields["organization"]
        field.queryset = organizations  # type: ignore[attr-defined]
        own = list(organizations)
        if len(own) == 1:
            field.initial = own[0].pk
            field.widget = forms.HiddenInput()
        categories = list(contest.categories.all())
        if categories:
            self.fields["category"].queryset = contest.categories.all()  # type: ignore[attr-defined]
            if len(own) == 1:
                fitting = [c for c in categories if own[0].kind in (c.organization_kinds or [])]
                if len(fitting) == 1:
                    self.fields["category"].initial = fitting[0].pk
        else:
            del self.fields["category"]
        style(self)


class ApplicationForm(VersionedFormMixin, forms.Form):
    """Title, category and one textarea per section of the contest's form."""

    project_title = forms.CharField(label=_("Project title"), max_length=500, required=False)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none(), required=False)

    def __init__(self, *args: Any, application: Any, **kwargs: Any) -> None:
        contest = application.contest
        texts = application.texts or {}
        initial = {
            "project_title": application.project_title,
            "category": application.category_id,
            **{f"text_{s.key}": texts.get(s.key, "") for s in contest.sections.all()},
            VERSION_FIELD: version_token(application),
        }
        kwargs["initial"] = {**initial, **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        categories = contest.categories.all()
        if categories:
            self.fields["category"].queryset = categories  # type: ignore[attr-defined]
        else:
            del self.fields["category"]
        self.sections = list(contest.sections.all())
        for section in self.sections:
            name = f"text_{section.key}"
            self.fields[name] = SectionTextField(
                label=section.title,
                required=False,
                max_length=section.max_length,
                help_text=section.help_text,
                widget=forms.Textarea(
                    attrs={
                        "rows": 6,
                        "maxlength": section.max_length,
                        "data-charcount": section.max_length,
                        "aria-describedby": f"id_{name}_helptext",
                    }
                ),
            )
            self.fields[name].section = section  # type: ignore[attr-defined]
        style(self)

    def section_fields(self) -> list[forms.BoundField]:
        return [self[f"text_{s.key}"] for s in self.sections]

    def service_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "project_title": self.cleaned_data.get("project_title", ""),
            "texts": {s.key: self.cleaned_data.get(f"text_{s.key}", "") for s in self.sections},
        }
        if "category" in self.fields:
            data["category"] = self.cleaned_data.get("category")
        return data


class DocumentUploadForm(forms.Form):
    file = forms.FileField(label=_("File"), error_messages={"required": _("Choose a file.")})

    def __init__(self, *args: Any, requirement: RequiredDocument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        accept = ",".join(f".{FILE_TYPES[t]['ext']}" for t in requirement.allowed_types or ["pdf"])
        self.fields["file"].widget.attrs.update({"accept": accept, "class": "form-control"})
        self.requirement = requirement


class ApplicationFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False)
    category = forms.ModelChoiceField(
        label=_("Category"), required=False, queryset=Category.objects.none(), empty_label=_("All categories")
    )

    def __init__(self, *args: Any, contest: Contest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("All states")), *ApplicationState.choices]  # type: ignore[attr-defined]
        self.fields["category"].queryset = contest.categories.all()  # type: ignore[attr-defined]
        style(self)

    def selector_kwargs(self) -> dict[str, Any]:
        if not self.is_bound or not self.is_valid():
            return {}
        return {
            "state": self.cleaned_data.get("state") or "",
            "category": self.cleaned_data.get("category"),
        }
