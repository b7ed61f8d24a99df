from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ConsentKind


class EraseForm(forms.Form):
    confirmation = forms.CharField(
        label=_("Type the person's number to confirm"),
        max_length=20,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )
    reason = forms.CharField(
        label=_("Reason (the request or the law)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
    )


class ConsentScanForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Consent"),
        choices=ConsentKind.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    file = forms.FileField(
        label=_("Scan of the signed consent (PDF, JPG or PNG, up to 10 MB)"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".pdf,.jpg,.jpeg,.png"}),
    )
