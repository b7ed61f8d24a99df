"""REST API of the register of statuses: public, read-only (statuses are awarded by contests and orders)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from novator.core.academic_year import AcademicYear
from novator.core.api import IdField, StrictCharField
from novator.organizations.models import Organization

from . import selectors
from .models import StatusAssignment, StatusKind, StatusState

#: `?ordering=` values and what they sort by (the register's own sorts).
ORDERINGS = {
    "starts_on": "start",
    "-starts_on": "-start",
    "ends_on": "end",
    "-ends_on": "-end",
    "organization": "organization",
    "-organization": "-organization",
}


class StatusKindSerializer(serializers.ModelSerializer):
    class Meta:
        model = StatusKind
        fields = ["code", "abbreviation", "name", "level", "default_term_years", "description"]
        read_only_fields = fields


class StatusOrganizationSerializer(serializers.ModelSerializer):
    municipality = serializers.CharField(
        source="municipality.oktmo", read_only=True, help_text=_("ОКТМО of the municipality.")
    )

    class Meta:
        model = Organization
        fields = ["id", "short_name", "inn", "kind", "municipality"]
        read_only_fields = fields


class StatusAssignmentSerializer(serializers.ModelSerializer):
    organization = StatusOrganizationSerializer(read_only=True)
    kind = serializers.CharField(
        source="kind.code", read_only=True, help_text=_("Code of the status, e.g. MIP.")
    )
    kind_name = serializers.CharField(source="kind.name", read_only=True)
    state = serializers.ChoiceField(
        choices=StatusState.choices, read_only=True, help_text=_("The state today.")
    )

    class Meta:
        model = StatusAssignment
        fields = [
            "id",
            "organization",
            "kind",
            "kind_name",
            "starts_on",
            "ends_on",
            "state",
            "order_number",
            "order_date",
            "project_title",
            "revoked_on",
        ]
        read_only_fields = fields


class StatusFilterSerializer(serializers.Serializer):
    """Query parameters of the register; an empty parameter means no filter."""

    kind = StrictCharField(
        required=False, allow_blank=True, max_length=20, help_text=_("Code of the status kind, e.g. MIP.")
    )
    municipality = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=11,
        help_text=_("ОКТМО of the organisation's municipality (8 or 11 digits)."),
    )
    state = serializers.ChoiceField(
        choices=StatusState.choices, required=False, allow_blank=True, help_text=_("The state today.")
    )
    year = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=9,
        help_text=_("Academic year of the start, e.g. 2022/23 (1 September 2022 – 31 August 2023)."),
    )
    organization = IdField(required=False, help_text=_("Id of the organisation."))
    search = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text=_("Words to find in the organisation's names and ИНН (case and ё/е do not matter)."),
    )
    ordering = serializers.ChoiceField(choices=list(ORDERINGS), required=False, allow_blank=True)

    def validate_kind(self, value: str) -> str:
        value = value.strip().upper()
        if value and not StatusKind.objects.filter(code=value).exists():
            raise serializers.ValidationError(
                _("There is no status kind with code «%(code)s».") % {"code": value}
            )
        return value

    def validate_municipality(self, value: str) -> str:
        value = value.strip()
        if value and not value.isdigit():
            raise serializers.ValidationError(_("An ОКТМО consists of digits."))
        return value

    def validate_year(self, value: str) -> AcademicYear | None:
        if not value.strip():
            return None
        try:
            return AcademicYear.parse(value)
        except ValueError:
            raise serializers.ValidationError(_("Write the academic year as 2022/23.")) from None


@extend_schema_view(
    list=extend_schema(summary=_("The register of statuses"), parameters=[StatusFilterSerializer]),
    retrieve=extend_schema(summary=_("A status in the register")),
)
class StatusAssignmentViewSet(viewsets.ReadOnlyModelViewSet):
    """The public register of innovation statuses (МИП, МЛСВ, КИП …) with their terms and orders."""

    serializer_class = StatusAssignmentSerializer
    filter_backends: list[Any] = []
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[StatusAssignment]:
        if self.action != "list" or getattr(self, "swagger_fake_view", False):
            return selectors.status_list(user=self.request.user)
        params = StatusFilterSerializer(data=self.request.query_params.dict())
        params.is_valid(raise_exception=True)
        filters = params.validated_data
        return selectors.status_list(
            user=self.request.user,
            kind_code=filters.get("kind", ""),
            municipality_oktmo=filters.get("municipality", ""),
            state=filters.get("state", ""),
            academic_year=filters.get("year"),
            organization_id=filters.get("organization"),
            search=filters.get("search", ""),
            sort=ORDERINGS.get(filters.get("ordering") or "-starts_on", "-start"),
        )


@extend_schema_view(
    list=extend_schema(summary=_("Status kinds")),
    retrieve=extend_schema(summary=_("A status kind by its code")),
)
class StatusKindViewSet(viewsets.ReadOnlyModelViewSet):
    """Kinds of innovation status: МИП, МЛСВ, КИП, ФИП and those the operator adds."""

    serializer_class = StatusKindSerializer
    filter_backends: list[Any] = []
    lookup_field = "code"
    lookup_value_regex = r"[A-Z][A-Z0-9_]*"

    def get_queryset(self) -> QuerySet[StatusKind]:
        return selectors.status_kind_list()
