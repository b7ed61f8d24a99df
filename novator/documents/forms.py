from __future__ import annotations

from django import forms

from .models import Requisites
from .services import FIELDS


class RequisitesForm(forms.ModelForm):
    class Meta:
        model = Requisites
        fields = list(FIELDS)
        widgets = {"full_name": forms.Textarea(attrs={"rows": 2})}
