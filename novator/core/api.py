"""Shared pieces of the REST API: pagination, the exception handler and the bridge to services.

Services raise Django's `ValidationError` and `PermissionDenied`; the API reports them as DRF's 400 and
403 with the same messages the pages show (`service_errors`, and `exception_handler` as a safety net).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers
from rest_framework.exceptions import ErrorDetail
from rest_framework.pagination import PageNumberPagination
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from .academic_year import AcademicYear
from .converters import MAX_ID  # the largest id a row can have; a larger number is refused as bad input


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def _details(errors: list[DjangoValidationError]) -> list[ErrorDetail]:
    details = []
    for error in errors:
        for item in error.error_list:
            message = item.message
            if item.params:
                message = message % item.params
            details.append(ErrorDetail(str(message), code=item.code or "invalid"))
    return details


def to_drf_validation_error(exc: DjangoValidationError) -> exceptions.ValidationError:
    """A Django `ValidationError` as DRF's: field errors by field, the rest under `non_field_errors`."""
    non_field = api_settings.NON_FIELD_ERRORS_KEY
    if hasattr(exc, "error_dict"):
        detail: dict[str, list[ErrorDetail]] = {}
        for field, errors in exc.error_dict.items():
            key = non_field if field == NON_FIELD_ERRORS else field
            detail.setdefault(key, []).extend(_details(errors))
        return exceptions.ValidationError(detail)
    return exceptions.ValidationError({non_field: _details([exc])})


def to_drf_permission_denied(exc: DjangoPermissionDenied) -> exceptions.PermissionDenied:
    message = str(exc)
    return exceptions.PermissionDenied(message or None)


@contextmanager
def service_errors() -> Iterator[None]:
    """Run a service call, turning its Django errors into DRF's (400 with field errors, 403).

    with service_errors():
        organization = services.organization_create(actor=request.user, data=serializer.validated_data)
    """
    try:
        yield
    except DjangoValidationError as exc:
        raise to_drf_validation_error(exc) from exc
    except DjangoPermissionDenied as exc:
        raise to_drf_permission_denied(exc) from exc


def exception_handler(exc: Exception, context: dict[str, Any]) -> Any:
    # A Django ValidationError that escaped a view is bad input, not a server error.
    if isinstance(exc, DjangoValidationError):
        exc = to_drf_validation_error(exc)
    return drf_exception_handler(exc, context)


class IdField(serializers.IntegerField):
    """The id of an object in a query parameter or a body: a whole number from 1 to `MAX_ID`.

    Use it for every integer filter (`?organization=`, `?contest=`): a larger number is a 400 with
    DRF's message, not a query the database cannot run."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class BoundedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related object by id; an id beyond `MAX_ID` (or below 1) is «does not exist», like any other
    missing id, instead of an overflow in the database driver."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, int | str) and not isinstance(data, bool):
            try:
                number = int(data)
            except (TypeError, ValueError):
                number = None
            if number is not None and not 1 <= number <= MAX_ID:
                self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)


class AcademicYearField(serializers.CharField):
    """An academic year in a query parameter or a body (2022/23), checked by `AcademicYear.parse`:
    a malformed year or one out of range (0000/01, 9999/00) is a 400. The value is the normalised text
    ("2022/23"), or "" when the parameter is empty."""

    default_error_messages = {"academic_year": _("Write the academic year as 2022/23.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("academic_year")
        text = super().to_internal_value(data)
        if not text:
            return ""
        try:
            return str(AcademicYear.parse(text))
        except ValueError:
            self.fail("academic_year")


class StrictCharField(serializers.CharField):
    """A string field that refuses numbers instead of converting them (ИНН 0105… must not lose its 0)."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictSlugRelatedField(serializers.SlugRelatedField):
    """A related object by a textual key (ОКТМО, region code); numbers, lists and long strings are refused
    before the database is asked."""

    default_error_messages = {
        # the msgid of DRF's CharField, so the translation exists already
        "max_length": _("Ensure this field has no more than {max_length} characters."),
    }

    def __init__(self, *, max_length: int | None = None, **kwargs: Any) -> None:
        self.max_length = max_length
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("invalid")
        if self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


class ShapeModelSerializer(serializers.ModelSerializer):
    """A model serializer that checks only the shape of input: types, lengths, choices, required fields.

    The model's validators and uniqueness checks are left out: the service runs `full_clean()` and its
    errors come back through `service_errors`, so the pages and the API give the same messages and the
    database is asked once.
    """

    serializer_related_field = BoundedPrimaryKeyRelatedField
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
    }

    def build_standard_field(self, field_name: str, model_field: Any) -> tuple[type, dict[str, Any]]:
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        kwargs.pop("validators", None)
        return field_class, kwargs

    def get_validators(self) -> list[Any]:
        return []

    def create(self, validated_data: Any) -> Any:
        raise TypeError("Writes go through services: pass serializer.validated_data to one, never save().")

    def update(self, instance: Any, validated_data: Any) -> Any:
        raise TypeError("Writes go through services: pass serializer.validated_data to one, never save().")
