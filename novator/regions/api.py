"""REST API of the region page: `GET /api/v1/regions/{id}/comparison/` — the page's figures."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from novator.core.api import AcademicYearField
from novator.organizations.models import Region

from . import selectors


class YearCountsSerializer(serializers.Serializer):
    academic_year = serializers.CharField()
    applications = serializers.IntegerField()
    winners = serializers.IntegerField()


class MunicipalityFiguresSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    oktmo = serializers.CharField(help_text=_("ОКТМО of the municipality."))
    organizations = serializers.IntegerField(help_text=_("Active organisations of the registry."))
    statuses = serializers.IntegerField(help_text=_("Status assignments in force today."))
    statuses_per_100 = serializers.FloatField(allow_null=True, help_text=_("Statuses per 100 organisations."))
    applications = serializers.IntegerField(help_text=_("Submitted applications of the academic year."))
    winners = serializers.IntegerField(help_text=_("Awarded applications of the academic year."))
    adoptions_exported = serializers.IntegerField(
        help_text=_("Adoptions in other municipalities of products authored here (the academic year).")
    )
    adoptions_imported = serializers.IntegerField(
        help_text=_("Adoptions here of products none of whose authors is here (the academic year).")
    )
    index_median = serializers.FloatField(
        allow_null=True, help_text=_("Median of the index over organisations.")
    )
    index_iqr = serializers.FloatField(allow_null=True, help_text=_("Interquartile range of the index."))
    index_organizations = serializers.IntegerField(help_text=_("Organisations with an index value."))
    registrations = serializers.IntegerField(
        help_text=_("Event registrations of the staff (the academic year).")
    )
    attendances = serializers.IntegerField(help_text=_("Event attendances of the staff (the academic year)."))
    by_year = serializers.SerializerMethodField()

    @extend_schema_field(YearCountsSerializer(many=True))
    def get_by_year(self, row: selectors.Row) -> list[dict[str, Any]]:
        return [
            {"academic_year": year, "applications": a, "winners": w}
            for year, (a, w) in sorted(row.by_year.items())
        ]


class ComparisonSerializer(serializers.Serializer):
    region = serializers.SerializerMethodField()
    academic_year = serializers.CharField(source="year")
    years = serializers.ListField(child=serializers.CharField())
    index_year = serializers.CharField(allow_null=True)
    municipalities = MunicipalityFiguresSerializer(many=True, source="rows")
    totals = MunicipalityFiguresSerializer()

    def get_region(self, comparison: selectors.Comparison) -> dict[str, Any]:
        return {"id": comparison.region.pk, "code": comparison.region.code, "name": comparison.region.name}


class ComparisonQuerySerializer(serializers.Serializer):
    year = AcademicYearField(required=False, allow_blank=True, help_text=_("Academic year, e.g. 2023/24."))


class RegionComparisonView(APIView):
    """The figures of the region page, per municipality (administrators and the region's observers)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary=_("Comparing the municipalities of a region"),
        parameters=[ComparisonQuerySerializer],
        responses=ComparisonSerializer,
    )
    def get(self, request: Request, pk: int) -> Response:
        region = get_object_or_404(Region, pk=pk)
        if not request.user.has_perm("regions.view_comparison", region):
            raise PermissionDenied
        query = ComparisonQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        comparison = selectors.region_comparison(region, year=query.validated_data.get("year") or None)
        return Response(ComparisonSerializer(comparison).data)
