"""The municipal boundaries of a region, uploaded once by an operator for the region page's map."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from novator.organizations.models import Region


class RegionBoundaries(models.Model):
    """The checked GeoJSON of a region's municipalities (one per region; a new upload replaces it).

    `geojson` is the FeatureCollection as served to the map: every feature's properties reduced to
    `novator_id` (the municipality's id, "" when unmatched) and `name`. It is read only by the map's own
    URL; the page reads the other fields (`.defer("geojson")`).
    """

    region = models.OneToOneField(
        Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="boundaries"
    )
    geojson = models.TextField(_("GeoJSON"))
    original_name = models.CharField(_("original file name"), max_length=255, blank=True)
    features = models.PositiveIntegerField(_("features"), default=0)
    #: names (or ОКТМО) of the features that matched no municipality of the region
    unmatched: Any = models.JSONField(_("unmatched features"), default=list, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now=True)

    class Meta:
        verbose_name = _("municipal boundaries")
        verbose_name_plural = _("municipal boundaries")

    def __str__(self) -> str:
        return f"{self.region}: {self.features}"
