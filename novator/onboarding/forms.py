from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from novator.accounts.models import Role, User
from novator.accounts.scope import get_scope
from novator.core.files import scan_for_viruses
from novator.core.forms import StyledForm
from novator.organizations.importing.reader import ImportFileError, max_bytes, too_large_error
from novator.organizations.models import Municipality, Organization

from . import selectors
from .rules import invitable_roles
from .staffing import StaffTable, read_staff_table


class InvitationForm(StyledForm):
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    role = forms.ChoiceField(label=_("Role"))
    organization = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organization.objects.none(), required=False
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.order_by("name"),
        required=False,
        help_text=_("For a methodologist only."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        roles = invitable_roles(get_scope(user))
        cast(forms.ChoiceField, self.fields["role"]).choices = [(r, Role(r).label) for r in roles]
        organizations = selectors.invitable_organizations(user=user)
        organization = cast(forms.ModelChoiceField, self.fields["organization"])
        organization.queryset = organizations
        only = list(organizations[:2])
        if len(only) == 1:  # a coordinator invites to their own organisation: nothing to choose
            organization.initial = only[0].pk
        if Role.METHODOLOGIST not in roles:
            del self.fields["municipality"]


class AcceptForm(StyledForm):
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150)
    middle_name = forms.CharField(label=_("Middle name"), max_length=150, required=False)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    consent = forms.BooleanField(
        label=_(
            "I consent to the processing of my personal data (name, job title, e-mail) "
            "for the work in Novator."
        ),
        required=True,
        error_messages={
            "required": _("Without consent to the processing of personal data an account cannot be made.")
        },
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            probe = User(
                username=self.email,
                email=self.email,
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
            )
            try:
                password_validation.validate_password(first, probe)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class StaffUploadForm(StyledForm):
    organization = forms.ModelChoiceField(label=_("Organisation"), queryset=Organization.objects.none())
    file = forms.FileField(
        label=_("Staff file (XLSX or CSV)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,.csv,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelChoiceField, self.fields["organization"]
        ).queryset = selectors.staff_import_organizations(user=user)

    def clean_file(self) -> Any:
        uploaded = self.cleaned_data["file"]
        if uploaded.size > max_bytes():
            raise forms.ValidationError(too_large_error(uploaded.size).message, code="too_large")
        scan_for_viruses(uploaded)
        uploaded.seek(0)
        self.content: bytes = uploaded.read()
        try:
            self.table: StaffTable = read_staff_table(self.content)
        except ImportFileError as exc:
            raise forms.ValidationError(exc.message, code="bad_file") from exc
        return uploaded


class JoinRequestForm(StyledForm):
    organization = forms.IntegerField(widget=forms.HiddenInput)
    position = forms.CharField(label=_("Job title"), max_length=255)
    message = forms.CharField(
        label=_("Message to the coordinator"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DecisionForm(StyledForm):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("decline", _("Decline"))])
    reason = forms.CharField(required=False, max_length=2000)
