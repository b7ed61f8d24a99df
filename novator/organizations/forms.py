from __future__ import annotations

from typing import Any

from django import forms
from django.apps import apps
from django.utils.translation import gettext_lazy as _

from novator.core.concurrency import VersionedFormMixin
from novator.core.files import scan_for_viruses

from .importing import ImportFileError, max_bytes, read_table, too_large_error
from .models import Municipality, Organization, OrganizationKind, OrganizationSubtype, Person
from .selectors import SORTS, municipality_choices
from .services import COORDINATOR_FIELDS


class RegistryFilterForm(forms.Form):
    """The registry's search, filters and sorting; used by the page, the export and the API alike."""

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
        queryset=Municipality.objects.none(),
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipality_choices()  # type: ignore[attr-defined]
        self._load_status_choices()

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
        data = self.cleaned_data if self.is_valid() else {}
        active = data.get("active")
        return {
            "search": data.get("q") or "",
            "municipality": data.get("municipality"),
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
        self.fields["municipality"].queryset = municipality_choices()  # type: ignore[attr-defined]
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

    def _post_clean(self) -> None:
        # Model validation (ИНН, ОГРН, uniqueness) runs in the service, which reports into the form.
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
