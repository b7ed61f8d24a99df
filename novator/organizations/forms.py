from __future__ import annotations

from typing import Any

from django import forms
from django.apps import apps
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from novator.core.concurrency import VersionedFormMixin
from novator.core.files import scan_for_viruses

from .filters import MunicipalityOptions, chosen_region, municipality_options, region_field
from .importing import ImportFileError, max_bytes, read_table, too_large_error
from .models import Municipality, Organization, OrganizationKind, OrganizationSubtype, Person, Region
from .selectors import SORTS
from .services import COORDINATOR_FIELDS
from .validators import validate_inn, validate_kpp, validate_ogrn


class RegistryFilterForm(forms.Form):
    """The registry's search, filters and sorting; used by the page, the export and the API alike.

    The municipality is chosen by its id (`?municipality=<pk>`, as links have always had it), checked
    with one query when given. The municipalities offered (and the regions, see
    `novator.organizations.filters`) are read only when the form is rendered, in two queries: every
    municipality in a small deployment; above the limit a region filter and the municipalities of the
    chosen region or of the user's scope, plus the chosen one. `user`: whose scope to offer."""

    region = region_field()

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "class": "form-control", "placeholder": _("Name, ИНН, ОГРН or address")}
        ),
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.all(),
        required=False,
        empty_label=_("All municipalities"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *OrganizationKind.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    status = forms.ChoiceField(
        label=_("Status held"),
        required=False,
        choices=[("", _("Any or none"))],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    active = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("Active and closed")), ("1", _("Active")), ("0", _("Closed"))],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    sort = forms.ChoiceField(
        label=_("Sort"), required=False, choices=[(k, k) for k in SORTS], widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        # Both lists are read when first needed (rendering, or a region to check), not for the export.
        region: Any = self.fields["region"]
        region.choices = self._region_choices
        self.fields["municipality"].widget.choices = self._municipality_choices
        self._load_status_choices()

    @cached_property
    def municipality_options(self) -> MunicipalityOptions:
        asked = self.data.get(self.add_prefix("municipality"), "") if self.is_bound else ""
        return municipality_options(
            user=self.user, region_code=chosen_region(self), selected=[asked], key="pk"
        )

    @property
    def region_filter_shown(self) -> bool:
        """Not every municipality is offered: the page shows the region filter."""
        return self.municipality_options.limited

    def _region_choices(self) -> list[tuple[str, str]]:
        return [("", str(_("All regions"))), *((r.code, r.name) for r in self.municipality_options.regions)]

    def _municipality_choices(self) -> list[tuple[Any, str]]:
        return [
            ("", str(_("All municipalities"))),
            *((m.pk, m.name) for m in self.municipality_options.municipalities),
        ]

    def clean_region(self) -> Region | None:
        code = self.cleaned_data.get("region") or ""
        return next((r for r in self.municipality_options.regions if r.code == code), None) if code else None

    def _load_status_choices(self) -> None:
        """The status kinds (МИП, МЛСВ …) in one query, read through the app registry: the registry
        must not import the statuses app, which is built on top of it."""
        if not apps.is_installed("novator.statuses"):
            del self.fields["status"]
            return
        kinds = apps.get_model("statuses", "StatusKind")._default_manager.order_by("abbreviation")
        field: Any = self.fields["status"]
        field.choices = [
            ("", _("Any or none")),
            *(
                (kind.code, f"{kind.abbreviation} — {kind.name}")
                for kind in kinds.only("code", "abbreviation", "name")
            ),
        ]

    def selector_kwargs(self) -> dict[str, Any]:
        """Arguments for `selectors.organization_list`; invalid filters are ignored, not fatal."""
        self.is_valid()  # a bad filter is reported on its field and left out, the others still apply
        data = self.cleaned_data
        active = data.get("active")
        return {
            "search": data.get("q") or "",
            "municipality": data.get("municipality"),
            "region": data.get("region"),
            "kind": data.get("kind") or "",
            "active": None if active in (None, "") else active == "1",
            "status": data.get("status") or "",
            "sort": data.get("sort") or "name",
        }


class OrganizationForm(VersionedFormMixin, forms.ModelForm):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https", max_length=200)

    class Meta:
        model = Organization
        fields = [
            "full_name",
            "short_name",
            "municipality",
            "kind",
            "subtype",
            "inn",
            "ogrn",
            "kpp",
            "address",
            "head_name",
            "head_position",
            "phone",
            "email",
            "website",
            "parent",
            "is_active",
            "closed_on",
        ]
        widgets = {"closed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: Any, user: Any = None, limited: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._limit_municipalities(user)
        self.fields["parent"].queryset = Organization.objects.select_related("municipality").only(  # type: ignore[attr-defined]
            "id", "short_name", "municipality__name"
        )
        self.fields["subtype"].choices = OrganizationSubtype.choices  # type: ignore[attr-defined]
        if limited:
            for name in list(self.fields):
                if name not in COORDINATOR_FIELDS:
                    del self.fields[name]
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            if isinstance(field.widget, forms.CheckboxInput):
                css = "form-check-input"
            field.widget.attrs.setdefault("class", css)

    def _limit_municipalities(self, user: Any) -> None:
        """Every municipality in a small deployment. Above the limit (`filters`): the municipalities of
        the organisation's region and of the user's scope, plus the current and the submitted one (the
        service checks the user may put the organisation there); an administrator adding an organisation
        with no scope of their own still gets every municipality."""
        field: Any = self.fields.get("municipality")
        if field is None:
            return
        current = self.instance.municipality_id if self.instance.pk else None
        submitted = self.data.get(self.add_prefix("municipality"), "") if self.is_bound else ""
        options = municipality_options(
            user=user,
            selected=[current, submitted],
            regions=[self.instance.municipality.region_id] if current else (),
        )
        if options.limited and current is None and not options.municipalities:
            field.queryset = Municipality.objects.select_related("region").order_by("region__name", "name")
            return
        offered = options.municipalities
        # validated with one query by id; offered from the list already read
        field.queryset = (
            Municipality.objects.all()
            if not options.limited
            else Municipality.objects.filter(pk__in=[m.pk for m in offered])
        )
        field.widget.choices = [
            ("", field.empty_label),
            *((m.pk, field.label_from_instance(m)) for m in offered),
        ]

    def _clean_identifier(self, name: str, validator: Any) -> Any:
        """Spaces removed and the format and check digit checked here, with the validators' messages;
        the identity (ИНН + КПП) is checked by the service, which names the other organisation."""
        value = "".join(str(self.cleaned_data.get(name) or "").split())
        if name == "kpp":
            value = value.upper()
            if not value:
                return None
        validator(value)
        return value

    def clean_inn(self) -> Any:
        return self._clean_identifier("inn", validate_inn)

    def clean_ogrn(self) -> Any:
        return self._clean_identifier("ogrn", validate_ogrn)

    def clean_kpp(self) -> Any:
        return self._clean_identifier("kpp", validate_kpp)

    def _post_clean(self) -> None:
        # Model validation (uniqueness of ИНН + КПП) runs in the service, which reports into the form.
        pass


class PersonForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "last_name",
            "first_name",
            "middle_name",
            "position",
            "email",
            "processing_consent_on",
            "processing_consent_withdrawn_on",
            "publication_consent_on",
            "publication_consent_withdrawn_on",
        ]
        widgets = {
            "processing_consent_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "processing_consent_withdrawn_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "publication_consent_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "publication_consent_withdrawn_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")

    def _post_clean(self) -> None:
        pass


class ImportUploadForm(forms.Form):
    """A registry file to import. Cleaning reads it (by content, with size and row limits) into `table`."""

    file = forms.FileField(
        label=_("Registry file (XLSX or CSV)"),
        widget=forms.ClearableFileInput(
            attrs={
                "class": "form-control",
                "accept": ".xlsx,.csv,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        ),
    )

    def clean_file(self) -> Any:
        uploaded = self.cleaned_data["file"]
        if uploaded.size > max_bytes():
            raise forms.ValidationError(too_large_error(uploaded.size).message, code="too_large")
        scan_for_viruses(uploaded)  # ClamAV when settings.CLAMD_SOCKET is set; raises a clear message
        uploaded.seek(0)
        self.content: bytes = uploaded.read()
        try:
            self.table = read_table(self.content)
        except ImportFileError as exc:
            raise forms.ValidationError(exc.message, code="bad_file") from exc
        return uploaded
