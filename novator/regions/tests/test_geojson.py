from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from novator.regions.geojson import check_geojson, geometry_error, normalise_name

FIXTURE = Path(__file__).parent / "fixtures" / "synthetic_region.geojson"
PLACES = [(1, "Выселковский район", "03612000"), (2, "Тихорецкий район", "03654000")]
SQUARE = [[[39.0, 45.0], [39.5, 45.0], [39.5, 45.5], [39.0, 45.5], [39.0, 45.0]]]


def _collection(*geometries: Any, properties: dict[str, Any] | None = None) -> bytes:
    features = [
        {"type": "Feature", "properties": properties or {"oktmo": "03612000"}, "geometry": g}
        for g in geometries
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def _messages(content: bytes) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        check_geojson(content, PLACES)
    return caught.value.messages


def test_the_fixture_matches_by_oktmo_and_by_name_and_lists_the_rest() -> None:
    checked = check_geojson(FIXTURE.read_bytes(), PLACES)

    assert (checked.features, checked.matched) == (3, 2)
    assert checked.unmatched == ["Неизвестный район · 99999000"]
    served = json.loads(checked.geojson)
    assert [f["properties"]["novator_id"] for f in served["features"]] == ["1", "2", ""]
    assert served["features"][1]["geometry"]["type"] == "MultiPolygon"


def test_eleven_digit_oktmo_matches_the_eight_digit_municipality() -> None:
    checked = check_geojson(
        _collection({"type": "Polygon", "coordinates": SQUARE}, properties={"OKTMO": 3612000000}), PLACES
    )
    assert json.loads(checked.geojson)["features"][0]["properties"]["novator_id"] == "1"


def test_names_compare_without_generic_words() -> None:
    assert normalise_name("Выселковский муниципальный район") == normalise_name("выселковский  район")
    assert normalise_name("Город Краснодар") == normalise_name("г. Краснодар")


@pytest.mark.parametrize(
    "content",
    [b"not json at all", b"\xff\xfe\x00garbage", b'{"type": "Feature"', b"[1, 2]"],
)
def test_not_json_or_not_geojson_is_refused(content: bytes) -> None:
    messages = _messages(content)
    assert any("JSON" in m or "GeoJSON" in m for m in messages)


def test_a_feature_collection_without_features_is_refused() -> None:
    assert _messages(b'{"type": "FeatureCollection", "features": []}') == [
        "В файле FeatureCollection нет ни одного объекта (features)."
    ]


@pytest.mark.parametrize(
    ("geometry", "reason"),
    [
        ({"type": "Point", "coordinates": [39, 45]}, "not Polygon"),
        ({"type": "Polygon", "coordinates": [[[39, 45], [40, 45], [40, 46], [39, 45.5]]]}, "not closed"),
        ({"type": "Polygon", "coordinates": [[[39, 45], [40, 45], [39, 45]]]}, "fewer than four"),
        ({"type": "Polygon", "coordinates": [[[39, 45], ["40", 45], [40, 46], [39, 45]]]}, "not a number"),
        ({"type": "Polygon", "coordinates": [[[39, 45], [200, 45], [40, 46], [39, 45]]]}, "out of range"),
        ({"type": "Polygon", "coordinates": [[[39, 45], [True, 45], [40, 46], [39, 45]]]}, "not a number"),
        ({"type": "MultiPolygon", "coordinates": []}, "no polygons"),
        (None, "no geometry"),
    ],
)
def test_broken_geometry(geometry: Any, reason: str) -> None:
    with override_settings(LANGUAGE_CODE="en"):
        from django.utils import translation

        with translation.override("en"):
            assert reason in (geometry_error(geometry) or "")
            messages = _messages(_collection(geometry))
    assert len(messages) == 1 and messages[0].startswith("Feature № 1")


def test_the_errors_are_in_russian() -> None:
    messages = _messages(
        _collection({"type": "Polygon", "coordinates": [[[39, 45], [40, 45], [40, 46], [39, 45.5]]]})
    )
    assert "не замкнут" in messages[0]


def test_nothing_matched_is_refused() -> None:
    messages = _messages(
        _collection({"type": "Polygon", "coordinates": SQUARE}, properties={"name": "Атлантида"})
    )
    assert "Ни один" in messages[0]


def test_too_large_is_refused_before_parsing() -> None:
    with override_settings(NOVATOR_GEOJSON_MAX_BYTES=1000):
        messages = _messages(b" " * 2000)
    assert "слишком большой" in messages[0]


def test_many_broken_features_are_summarised() -> None:
    broken = {"type": "Point", "coordinates": [39, 45]}
    messages = _messages(_collection(*[broken] * 25))
    assert len(messages) == 11 and "15" in messages[-1]


@pytest.mark.parametrize("code", ["03612000", "03612000000", 3612000, 3612000000, "03 612 000"])
def test_oktmo_written_in_any_way_matches(code: Any) -> None:
    content = _collection({"type": "Polygon", "coordinates": SQUARE}, properties={"oktmo": code})
    checked = check_geojson(content, PLACES)
    assert json.loads(checked.geojson)["features"][0]["properties"]["novator_id"] == "1"
