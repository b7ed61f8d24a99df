"""REST API of the monitoring: the indicators and the published precomputed values."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from novator.core.academic_year import AcademicYear
from novator.core.api import IdField, StrictCharField

from . import selectors
from .models import Indicator, IndicatorValue


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = ["code", "name", "definition", "unit", "numerator", "denominator", "factor", "direction"]


class IndicatorValueSerializer(serializers.ModelSerializer):
    indicator = serializers.CharField(source="indicator.code", read_only=True)
    organization = serializers.IntegerField(source="organization_id", read_only=True, allow_null=True)
    organization_name = serializers.SerializerMethodField()
    municipality = serializers.SerializerMethodField(help_text=_("ОКТМО of the municipality."))
    region = serializers.CharField(source="region.code", read_only=True)

    class Meta:
        model = IndicatorValue
        fields = [
            "indicator",
            "level",
            "academic_year",
            "organization",
            "organization_name",
            "municipality",
            "region",
            "value",
            "rank",
        ]

    def get_organization_name(self, obj: IndicatorValue) -> str | None:
        return obj.organization.short_name if obj.organization else None

    def get_municipality(self, obj: IndicatorValue) -> str | None:
        return obj.municipality.oktmo if obj.municipality else None


class ValueFilterSerializer(serializers.Serializer):
    """Query parameters of the values; an empty parameter means no filter."""

    indicator = StrictCharField(
        required=False, allow_blank=True, max_length=50, help_text=_("Indicator code; the index is «index».")
    )
    organization = IdField(required=False, help_text=_("Id of the organisation."))
    municipality = StrictCharField(
        required=False, allow_blank=True, max_length=11, help_text=_("ОКТМО of the municipality.")
    )
    academic_year = StrictCharField(
        required=False, allow_blank=True, max_length=9, help_text=_("e.g. 2023/24")
    )
    level = serializers.ChoiceField(
        choices=[
            ("organization", _("Organisation")),
            ("municipality", _("Municipality")),
            ("region", _("Region")),
        ],
        required=False,
        allow_blank=True,
    )

    def validate_municipality(self, value: str) -> str:
        value = value.strip()
        if value and not value.isdigit():
            raise serializers.ValidationError(_("An ОКТМО consists of digits."))
        return value

    def validate_academic_year(self, value: str) -> str:
        if not value.strip():
            return ""
        try:
            return str(AcademicYear.parse(value))
        except ValueError:
            raise serializers.ValidationError(_("Write the academic year as 2022/23.")) from None


@extend_schema_view(
    list=extend_schema(summary=_("Indicators of the innovation potential")),
    retrieve=extend_schema(summary=_("An indicator by its code")),
)
class IndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    """Indicators (formulas over data elements) and the index (code «index»)."""

    serializer_class = IndicatorSerializer
    filter_backends: list[Any] = []
    lookup_field = "code"
    lookup_value_regex = r"[a-z][a-z0-9_]*"
    queryset = Indicator.objects.all()


@extend_schema_view(
    list=extend_schema(summary=_("Published monitoring values"), parameters=[ValueFilterSerializer])
)
class IndicatorValueViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Precomputed values of published years: municipalities and regions for everybody, organisations
    for the users whose scope covers them."""

    serializer_class = IndicatorValueSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[IndicatorValue]:
        qs = selectors.published_values(self.request.user)
        if getattr(self, "swagger_fake_view", False):
            return qs
        params = ValueFilterSerializer(data=self.request.query_params.dict())
        params.is_valid(raise_exception=True)
        f = params.validated_data
        if f.get("indicator"):
            qs = qs.filter(indicator__code=f["indicator"])
        if f.get("organization"):
            qs = qs.filter(organization_id=f["organization"])
        if f.get("municipality"):
            qs = qs.filter(municipality__oktmo=f["municipality"])
        if f.get("academic_year"):
            qs = qs.filter(academic_year=f["academic_year"])
        if f.get("level"):
            qs = qs.filter(level=f["level"])
        return qs
