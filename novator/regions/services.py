"""Writes of the region page: the municipal boundaries of the map."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from novator.core import audit
from novator.core.services import require, user_or_none
from novator.organizations.models import Municipality, Region

from .geojson import check_geojson, check_size
from .models import RegionBoundaries


def boundaries_upload(
    *, actor: Any, region: Region, content: bytes, original_name: str = ""
) -> RegionBoundaries:
    """Check the GeoJSON and store it as the region's map (replacing the previous one); ValidationError
    with every reason, and nothing saved, when it is not valid."""
    require(
        actor,
        "regions.change_boundaries",
        region,
        message=_("Only an operator of the region uploads its map."),
    )
    check_size(len(content))
    municipalities = list(Municipality.objects.filter(region=region).values_list("pk", "name", "oktmo"))
    checked = check_geojson(content, municipalities)
    with transaction.atomic():
        boundaries, _created = RegionBoundaries.objects.update_or_create(
            region=region,
            defaults={
                "geojson": checked.geojson,
                "original_name": original_name[:255],
                "features": checked.features,
                "unmatched": checked.unmatched,
                "uploaded_by": user_or_none(actor),
            },
        )
        audit.record(
            actor=user_or_none(actor),
            action="region.boundaries_uploaded",
            obj=boundaries,
            changes={
                "features": checked.features,
                "matched": checked.matched,
                "unmatched": len(checked.unmatched),
                "file": original_name[:255],
            },
        )
    return boundaries


def boundaries_delete(*, actor: Any, region: Region) -> bool:
    """Remove the region's map (the page falls back to the tile cartogram); False when there was none."""
    require(
        actor,
        "regions.change_boundaries",
        region,
        message=_("Only an operator of the region uploads its map."),
    )
    with transaction.atomic():
        boundaries = RegionBoundaries.objects.filter(region=region).defer("geojson").first()
        if boundaries is None:
            return False
        audit.record(actor=user_or_none(actor), action="region.boundaries_deleted", obj=boundaries)
        boundaries.delete()
    return True
