"""The central guards against input that used to be a 500: ids beyond 64 bits, deep JSON, huge numbers."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django import forms
from django.test import Client, override_settings
from django.urls import Resolver404, resolve
from rest_framework import serializers
from rest_framework.exceptions import ParseError

from novator.core.api import MAX_ID, AcademicYearField, BoundedPrimaryKeyRelatedField, IdField
from novator.core.forms import DecimalField
from novator.core.parsers import JSONParser, JSONTooDeepError, json_depth, loads_limited
from novator.organizations.models import Organization

HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("1", 0),
        ('"[[[["', 0),
        ("[]", 1),
        ('{"a": [1, {"b": "]]]]"}]}', 3),
        ('["\\"[[["]', 1),
        ("[" * 5000 + "]" * 5000, 5000),
    ],
)
def test_json_depth_ignores_brackets_in_strings(text, depth):
    assert json_depth(text) == depth


def test_loads_limited_refuses_deep_json_with_a_value_error():
    assert loads_limited(b'{"a": [1, 2]}') == {"a": [1, 2]}
    with pytest.raises(JSONTooDeepError):
        loads_limited("[" * 5000 + "]" * 5000)
    with pytest.raises(ValueError):
        loads_limited("[" * 65 + "]" * 65)
    assert loads_limited("[" * 64 + "]" * 64)
    with pytest.raises(ValueError):
        loads_limited("[NaN]")


@override_settings(NOVATOR_JSON_MAX_DEPTH=3)
def test_the_depth_limit_is_a_setting():
    assert loads_limited("[[[1]]]") == [[[1]]]
    with pytest.raises(ValueError):
        loads_limited("[[[[1]]]]")


def test_the_parser_answers_a_parse_error():
    parser = JSONParser()
    assert parser.parse(io.BytesIO(b'{"a": 1}'), "application/json", {}) == {"a": 1}
    for body in (b"[" * 5000 + b"]" * 5000, b"{bad", b"\xff\xfe", b"[Infinity]"):
        with pytest.raises(ParseError):
            parser.parse(io.BytesIO(body), "application/json", {})


@pytest.mark.django_db
def test_deep_json_to_the_anonymous_token_endpoint_is_a_400():
    client = Client(raise_request_exception=False)
    response = client.post("/api/v1/auth/token/", "[" * 5000 + "]" * 5000, content_type="application/json")
    assert response.status_code == 400
    assert "64" in response.json()["detail"]


class _Filters(serializers.Serializer):
    organization = IdField(required=False)
    year = AcademicYearField(required=False, allow_blank=True)


@pytest.mark.parametrize("value", [HUGE, str(MAX_ID + 1), "0", "-1", "1e3", "abc"])
def test_id_field_refuses_what_no_row_can_have(value):
    params = _Filters(data={"organization": value})
    assert not params.is_valid()
    assert "organization" in params.errors


def test_id_field_takes_the_largest_id():
    params = _Filters(data={"organization": str(MAX_ID), "year": "2022-2023"})
    assert params.is_valid(), params.errors
    assert params.validated_data == {"organization": MAX_ID, "year": "2022/23"}


@pytest.mark.parametrize("value", ["0000/01", "9999/00", "2022/24", "x" * 30, "99999/00"])
def test_academic_year_field_refuses_bad_years(value):
    params = _Filters(data={"year": value})
    assert not params.is_valid()
    assert "year" in params.errors


@pytest.mark.django_db
@pytest.mark.parametrize("value", [int(HUGE), HUGE, -1, 0, MAX_ID + 1])
def test_related_field_says_does_not_exist_for_impossible_ids(value):
    field = BoundedPrimaryKeyRelatedField(queryset=Organization.objects.all())
    with pytest.raises(serializers.ValidationError) as info:
        field.to_internal_value(value)
    assert info.value.detail[0].code == "does_not_exist"


def test_a_path_id_beyond_64_bits_does_not_resolve():
    assert resolve("/jobs/00000000-0000-0000-0000-000000000000/").url_name == "job_detail"
    assert resolve(f"/statuses/{MAX_ID}/").kwargs == {"pk": MAX_ID}
    with pytest.raises(Resolver404):
        resolve(f"/statuses/{MAX_ID + 1}/")
    with pytest.raises(Resolver404):
        resolve(f"/statuses/{HUGE}/")


class _Score(forms.Form):
    points = DecimalField(
        min_value=Decimal(0), max_value=Decimal(10), step_size=Decimal("0.5"), max_digits=5, decimal_places=1
    )


@pytest.mark.parametrize("value", ["9" * 400, "1e400", "-1e400", "1e-400", "123456"])
def test_decimal_field_refuses_too_many_digits_with_a_message(value):
    form = _Score(data={"points": value})
    assert not form.is_valid()
    assert form.errors["points"]


def test_decimal_field_keeps_the_ordinary_checks():
    assert _Score(data={"points": "2.5"}).is_valid()
    assert not _Score(data={"points": "2.3"}).is_valid()
    assert not _Score(data={"points": "11"}).is_valid()


def test_primed_runs_the_first_item_before_the_response_starts():
    from novator.core.streaming import primed

    def failing():
        raise OverflowError("the query failed")
        yield  # pragma: no cover

    with pytest.raises(OverflowError):
        primed(failing())  # here, in the view, not after the 200 was sent
    assert list(primed(iter([1, 2, 3]))) == [1, 2, 3]
    assert list(primed([])) == []
