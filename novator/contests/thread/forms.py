"""The form of a message on an application's thread."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from novator.core.forms import StyledForm

from ..appeals.forms import MultipleFileField
from .services import MAX_FILES, MAX_TEXT


class MessageForm(StyledForm):
    text = forms.CharField(label=_("Message"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 4}))
    files = MultipleFileField(  # type: ignore[assignment]  # a field, not BaseForm.files (the metaclass)
        label=_("Files"),
        required=False,
        help_text=_("Up to %(n)d files: PDF, DOCX, ODT, JPG or PNG, up to 10 MB each.") % {"n": MAX_FILES},
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.prefix = "message"
