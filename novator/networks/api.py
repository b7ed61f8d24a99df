"""The networks API: the public list of networks with their leader, partners and plan."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from . import selectors
from .models import Network, Partnership, PlanItem


class NetworkPartnerSerializer(serializers.ModelSerializer):
    organization = serializers.CharField(source="organization.short_name", read_only=True)
    municipality = serializers.CharField(source="organization.municipality.name", read_only=True)

    class Meta:
        model = Partnership
        fields = ["organization", "municipality", "state"]


class NetworkPlanItemSerializer(serializers.ModelSerializer):
    academic_year = serializers.CharField(source="year_label", read_only=True)

    class Meta:
        model = PlanItem
        fields = ["title", "planned_on", "academic_year", "event"]


class NetworkSerializer(serializers.ModelSerializer):
    leader = serializers.CharField(source="leader.short_name", read_only=True)
    leader_municipality = serializers.CharField(source="leader.municipality.name", read_only=True)
    partners = NetworkPartnerSerializer(source="partnerships", many=True, read_only=True)
    plan = NetworkPlanItemSerializer(source="plan_items", many=True, read_only=True)

    class Meta:
        model = Network
        fields = ["id", "topic", "leader", "leader_municipality", "partners", "plan"]


@extend_schema_view(
    list=extend_schema(summary=_("Networks of leaders and partners")),
    retrieve=extend_schema(summary=_("A network")),
)
class NetworkViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = NetworkSerializer
    filter_backends: list[Any] = []
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Network]:
        return selectors.network_list(user=self.request.user).prefetch_related(
            Prefetch(
                "partnerships", queryset=Partnership.objects.select_related("organization__municipality")
            ),
            "plan_items",
        )
