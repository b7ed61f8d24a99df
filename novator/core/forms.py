from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import DecimalValidator
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


def apply_validation_error(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the field when it has one, else on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        form.add_error(None, exc)


def form_or_page_errors(form: forms.BaseForm, exc: ValidationError, fields: set[str]) -> list[str]:
    """A refused workflow move: errors about the form's own `fields` go onto the form (return []); any
    other refusal is returned as messages for the page."""
    if hasattr(exc, "error_dict") and set(exc.error_dict) <= fields:
        apply_validation_error(form, exc)
        return []
    return [str(m) for m in exc.messages]


class DocumentCheckForm(forms.Form):
    """The public check of a document (a diploma, an event certificate): its code and the holder's
    surname, both typed by the asker. The answer is only whether they match, as Russian registries of
    documents answer: nothing of the holder that the asker did not type."""

    code = forms.CharField(
        label=_("Verification code"),
        max_length=20,
        error_messages={"required": _("Enter the verification code printed on the document.")},
        widget=forms.TextInput(
            attrs={"class": "form-control", "autocomplete": "off", "placeholder": "ABCD-EFGH-JKLM"}
        ),
    )
    surname = forms.CharField(
        label=_("Surname of the holder"),
        max_length=150,
        error_messages={"required": _("Enter the surname of the person the document was issued to.")},
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )

    def clean_code(self) -> str:
        return str(self.cleaned_data["code"]).strip().upper()

    def clean_surname(self) -> str:
        return " ".join(str(self.cleaned_data["surname"]).split())


Found = TypeVar("Found")


def document_check(
    request: HttpRequest, *, code: str, lookup: Callable[..., Found | None]
) -> tuple[DocumentCheckForm, bool, Found | None]:
    """The public check of a document by code and surname, for a view: the form (bound on POST; on GET the
    code of the link printed on the document filled in), whether a valid pair was checked, and what
    `lookup(code=, surname=)` found for it (None: no such document for that surname)."""
    if request.method == "POST":
        form = DocumentCheckForm(request.POST)
    else:
        form = DocumentCheckForm(initial={"code": (code or request.GET.get("code") or "").strip()[:20]})
    checked = form.is_bound and form.is_valid()
    found = lookup(code=form.cleaned_data["code"], surname=form.cleaned_data["surname"]) if checked else None
    return form, checked, found


class DecimalField(forms.DecimalField):
    """Django's DecimalField that checks the number of digits before the other validators.

    Django runs every validator even after one failed; its step validator converts the value to a float,
    so 400 digits (or 1e400) became «math domain error», a 500. Here too many digits is the user's
    message and nothing else runs."""

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value in self.empty_values:
            return
        if self.max_digits is not None or self.decimal_places is not None:
            DecimalValidator(self.max_digits, self.decimal_places)(value)
        if isinstance(value, Decimal) and not math.isfinite(float(value)):
            raise ValidationError(self.error_messages["invalid"], code="invalid")


def style(form: forms.BaseForm) -> None:
    """Bootstrap classes on every widget (selects, check boxes, radios, the rest)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput | forms.RadioSelect):
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)


class StyledForm(forms.Form):
    """A form whose widgets carry Bootstrap's classes (`style`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)
