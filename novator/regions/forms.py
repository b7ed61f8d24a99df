from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .geojson import check_size, max_bytes


class BoundariesForm(forms.Form):
    file = forms.FileField(
        label=_("GeoJSON of the municipal boundaries"),
        help_text=_(
            "A FeatureCollection of Polygon/MultiPolygon features with the property «oktmo» or «name»."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        check_size(upload.size)  # before anything is read
        return upload

    @property
    def max_mb(self) -> int:
        return max_bytes() // 2**20
