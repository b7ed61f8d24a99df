from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from . import kinds


class PreferencesForm(forms.Form):
    email_kinds = forms.MultipleChoiceField(
        label=_("Send me e-mail about"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["email_kinds"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(k.code, k.label) for k in kinds.all_kinds()]
