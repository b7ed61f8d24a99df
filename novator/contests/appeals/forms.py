"""Forms of appeals: the appeal with its files, and a reviewer's decision."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from novator.core.forms import StyledForm

from .services import MAX_FILES, MAX_REASONS


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field: the list of uploads (each is checked by the service)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.docx,.odt,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class AppealForm(StyledForm):
    reasons = forms.CharField(
        label=_("Reasons of the appeal"),
        max_length=MAX_REASONS,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Which criteria and scores you dispute and why; refer to the attached files."),
    )
    files = MultipleFileField(  # type: ignore[assignment]  # a field, not BaseForm.files (the metaclass)
        label=_("Files"),
        required=False,
        help_text=_("Up to %(n)d files: PDF, DOCX, ODT, JPG or PNG, up to 10 MB each.") % {"n": MAX_FILES},
    )


class AppealDecisionForm(StyledForm):
    reason = forms.CharField(
        label=_("Justification"), required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 4})
    )
    total = forms.CharField(
        label=_("New total"),
        required=False,
        max_length=20,
        help_text=_("Only when the appeal is upheld: the application's total after the review."),
    )
