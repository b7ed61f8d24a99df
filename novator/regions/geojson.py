"""Checking an uploaded GeoJSON of a region's municipal boundaries and matching its features to the
municipalities of the region (by ОКТМО, else by name). Pure functions: no database, no writes.

What is accepted: a FeatureCollection (UTF-8 JSON, at most `NOVATOR_GEOJSON_MAX_BYTES`, 20 MB by
default) whose every feature has a Polygon or MultiPolygon geometry with closed rings of at least four
positions of finite numbers, longitude within ±180 and latitude within ±90. A feature that matches no
municipality is kept (drawn grey) and listed; a file none of whose features matches is refused.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from novator.core.parsers import loads_limited

DEFAULT_MAX_BYTES = 20 * 2**20
#: at most this many geometry errors are reported (the rest are counted)
MAX_ERRORS = 10
OKTMO_KEYS = ("oktmo", "OKTMO", "Oktmo", "oktmo_code", "OKTMO_CODE")
NAME_KEYS = ("name", "NAME", "Name", "name_ru", "NAME_RU", "name:ru", "title")
#: words dropped when names are compared: «Выселковский район» = «Выселковский муниципальный район»
_GENERIC = re.compile(
    r"\b(муниципальн\w*|район\w*|городск\w*|округ\w*|образовани\w*|мо|го|мр|г|город|поселени\w*)\b"
)


def max_bytes() -> int:
    return int(getattr(settings, "NOVATOR_GEOJSON_MAX_BYTES", DEFAULT_MAX_BYTES))


@dataclass
class Checked:
    """The FeatureCollection to store and serve, and what did not match."""

    geojson: str
    features: int
    matched: int
    unmatched: list[str] = field(default_factory=list)


def check_size(size: int) -> None:
    if size <= 0:
        raise ValidationError(_("The file is empty."), code="empty")
    limit = max_bytes()
    if size > limit:
        raise ValidationError(
            _("The file is too large: %(size)s MB, at most %(max)s MB is allowed."),
            code="too_large",
            params={"size": f"{size / 2**20:.1f}", "max": f"{limit / 2**20:.0f}"},
        )


def _parse(content: bytes) -> Any:
    try:
        return loads_limited(content)
    except UnicodeDecodeError:
        raise ValidationError(_("The file is not JSON: it is not UTF-8 text."), code="not_json") from None
    except ValueError as error:  # json.JSONDecodeError and too deep nesting are ValueErrors
        raise ValidationError(
            _("The file is not JSON: %(error)s"), code="not_json", params={"error": str(error)}
        ) from None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _ring_error(ring: Any) -> str | None:
    if not isinstance(ring, list) or len(ring) < 4:
        return _("a ring has fewer than four positions")
    for position in ring:
        if not isinstance(position, list) or len(position) not in (2, 3):
            return _("a position is not a pair of coordinates")
        if not all(_is_number(c) for c in position):
            return _("a coordinate is not a number")
        lon, lat = position[0], position[1]
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            return _("a coordinate is out of range (longitude ±180, latitude ±90): %(lon)s, %(lat)s") % {
                "lon": lon,
                "lat": lat,
            }
    if ring[0][:2] != ring[-1][:2]:
        return _("a ring is not closed (its last position differs from the first)")
    return None


def _polygon_error(polygon: Any) -> str | None:
    if not isinstance(polygon, list) or not polygon:
        return _("a polygon has no rings")
    for ring in polygon:
        if error := _ring_error(ring):
            return error
    return None


def geometry_error(geometry: Any) -> str | None:
    """Why a geometry is not a valid Polygon or MultiPolygon, or None when it is."""
    if not isinstance(geometry, dict):
        return _("no geometry")
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates")
    if kind == "Polygon":
        return _polygon_error(coordinates)
    if kind == "MultiPolygon":
        if not isinstance(coordinates, list) or not coordinates:
            return _("a multipolygon has no polygons")
        for polygon in coordinates:
            if error := _polygon_error(polygon):
                return error
        return None
    return _("the geometry is %(kind)s, not Polygon or MultiPolygon") % {"kind": str(kind)[:40]}


def normalise_name(name: str) -> str:
    text = name.lower().replace("ё", "е")
    text = re.sub(r"[^\w\s]", " ", text)
    text = _GENERIC.sub(" ", text)
    return " ".join(text.split())


def _digits(value: Any) -> str:
    """The ОКТМО's digits; a code written as a number has lost its leading zero (03612000 → 3612000)."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return ""
    digits = re.sub(r"\D", "", str(value))
    if isinstance(value, int) and len(digits) in (7, 10):
        digits = "0" + digits
    return digits


def _first(properties: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        if properties.get(key) not in (None, ""):
            return properties[key]
    return None


class Matcher:
    """Finds a municipality for a feature: by ОКТМО (8 or 11 digits; the 11-digit code of an 8-digit
    municipality matches it), else by its name without the generic words."""

    def __init__(self, municipalities: list[tuple[int, str, str]]):
        self.by_oktmo = {oktmo: pk for pk, _name, oktmo in municipalities}
        self.by_name: dict[str, int | None] = {}
        for pk, name, _oktmo in municipalities:
            key = normalise_name(name)
            # two municipalities with the same name: a name alone cannot tell them apart
            self.by_name[key] = None if key in self.by_name else pk

    def find(self, properties: dict[str, Any]) -> int | None:
        code = _digits(_first(properties, OKTMO_KEYS))
        if code:
            for candidate in (code, code[:8] if len(code) == 11 and code.endswith("000") else ""):
                if candidate and candidate in self.by_oktmo:
                    return self.by_oktmo[candidate]
        name = _first(properties, NAME_KEYS)
        if isinstance(name, str) and name.strip():
            return self.by_name.get(normalise_name(name))
        return None


def _label(properties: dict[str, Any], number: int) -> str:
    name = _first(properties, NAME_KEYS)
    code = _first(properties, OKTMO_KEYS)
    parts = [str(p)[:100] for p in (name, code) if p is not None]
    return " · ".join(parts) if parts else _("feature № %(number)d") % {"number": number}


def check_geojson(content: bytes, municipalities: list[tuple[int, str, str]]) -> Checked:
    """The checked FeatureCollection (properties reduced to `novator_id` and `name`) or ValidationError
    with every reason, for `municipalities` as (id, name, ОКТМО)."""
    check_size(len(content))
    data = _parse(content)
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ValidationError(
            _("The file is JSON but not GeoJSON: a FeatureCollection of the municipalities is expected."),
            code="not_geojson",
        )
    features = data.get("features")
    if not isinstance(features, list) or not features:
        raise ValidationError(_("The FeatureCollection has no features."), code="no_features")
    matcher = Matcher(municipalities)
    errors: list[str] = []
    out: list[dict[str, Any]] = []
    unmatched: list[str] = []
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            errors.append(_("Feature № %(number)d is not a GeoJSON Feature.") % {"number": number})
            continue
        raw = feature.get("properties")
        properties: dict[str, Any] = raw if isinstance(raw, dict) else {}
        label = _label(properties, number)
        if error := geometry_error(feature.get("geometry")):
            errors.append(
                _("Feature № %(number)d (%(label)s): %(error)s.")
                % {"number": number, "label": label, "error": error}
            )
            continue
        pk = matcher.find(properties)
        if pk is None:
            unmatched.append(label)
        out.append(
            {
                "type": "Feature",
                "properties": {"novator_id": "" if pk is None else str(pk), "name": label},
                "geometry": feature["geometry"],
            }
        )
    if errors:
        more = len(errors) - MAX_ERRORS
        shown = errors[:MAX_ERRORS]
        if more > 0:
            shown.append(_("… and %(count)d more features with errors.") % {"count": more})
        raise ValidationError(shown, code="geometry")
    matched = len(out) - len(unmatched)
    if matched == 0:
        raise ValidationError(
            _(
                "None of the %(count)d features matched a municipality of the region by ОКТМО (property "
                "«oktmo») or by name (property «name»)."
            ),
            code="unmatched",
            params={"count": len(out)},
        )
    text = json.dumps(
        {"type": "FeatureCollection", "features": out}, ensure_ascii=False, separators=(",", ":")
    )
    return Checked(geojson=text, features=len(out), matched=matched, unmatched=unmatched)
