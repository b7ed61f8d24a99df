from __future__ import annotations

from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework import exceptions

from novator.core.api import service_errors, to_drf_validation_error

SCHEMA = "/api/v1/schema/"
DOCS = "/api/v1/docs/"


def test_field_errors_keep_their_field_message_and_code():
    exc = ValidationError(
        {
            "inn": [
                ValidationError(
                    "ИНН %(value)s has a wrong check digit.", code="inn_checksum", params={"value": "1"}
                )
            ],
            "__all__": ["Whole-object problem."],
        }
    )
    detail: Any = to_drf_validation_error(exc).detail
    assert detail == {
        "inn": ["ИНН 1 has a wrong check digit."],
        "non_field_errors": ["Whole-object problem."],
    }
    assert detail["inn"][0].code == "inn_checksum"


def test_errors_without_a_field_go_to_non_field_errors():
    assert to_drf_validation_error(ValidationError(["a", "b"])).detail == {"non_field_errors": ["a", "b"]}


def test_service_errors_translates_permission_denied_with_its_message():
    with pytest.raises(exceptions.PermissionDenied) as info, service_errors():
        raise PermissionDenied("Only a methodologist can change these fields: inn.")
    assert str(info.value.detail) == "Only a methodologist can change these fields: inn."
    with pytest.raises(exceptions.ValidationError), service_errors():
        raise ValidationError({"ogrn": "bad"})


@pytest.mark.django_db
def test_schema_is_openapi_with_the_registry(client):
    response = client.get(SCHEMA, {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/organizations/", "/api/v1/organizations/{id}/", "/api/v1/municipalities/"} <= set(
        schema["paths"]
    )
    organization = schema["paths"]["/api/v1/organizations/{id}/"]
    assert set(organization) == {"get", "patch"}
    assert "/api/v1/auth/token/" in schema["paths"]


@pytest.mark.django_db
def test_docs_serve_swagger_ui_from_own_static_files(client):
    response = client.get(DOCS)
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    for outside in ("cdn.", "jsdelivr", "unpkg", "cdnjs", "https://", "http://"):
        assert outside not in page, outside
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"):
        assert finders.find(f"drf_spectacular_sidecar/swagger-ui-dist/{name}"), name


def test_shape_serializers_refuse_to_save_by_themselves():
    """Writes go through services; a serializer's own save() must never write around them."""
    from rest_framework import serializers as drf

    from novator.core.api import ShapeModelSerializer
    from novator.organizations.models import Region

    class RegionShape(ShapeModelSerializer):
        class Meta:
            model = Region
            fields = ["code", "name"]

    shape = RegionShape(data={"code": "77", "name": "Москва"})
    assert shape.is_valid(), shape.errors
    with pytest.raises(TypeError, match="services"):
        shape.save()
    assert isinstance(shape, drf.ModelSerializer)
