"""Helpers of the forms of the projects app."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from novator.core.academic_year import AcademicYear
from novator.core.forms import StyledForm, style

__all__ = ["StyledForm", "style"]  # (with the helpers below)

DATE_FORMAT = "%Y-%m-%d"
TEXT_LIMIT = 10_000


def date_field(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format=DATE_FORMAT),
    )


def text_field(
    label: Any, *, required: bool = False, rows: int = 3, limit: int = TEXT_LIMIT, **kw: Any
) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=limit, widget=forms.Textarea(attrs={"rows": rows}), **kw
    )


class AcademicYearField(forms.CharField):
    """`2022/23` → AcademicYear, with the message the rest of the system gives."""

    default_error_messages = {"invalid": _("Write the academic year as 2022/23.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 9)
        kwargs.setdefault("help_text", _("For example 2022/23."))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> AcademicYear | None:
        text = super().clean(value)
        if not text:
            return None
        try:
            return AcademicYear.parse(text)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class ServiceModelForm(forms.ModelForm):
    """A model form that checks the shape of input only; the service runs the model's validation and its
    errors come back into the form (`apply_validation_error`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)

    def _post_clean(self) -> None:
        pass


class ReasonForm(StyledForm):
    reason = text_field(_("Comment"), limit=5000)
