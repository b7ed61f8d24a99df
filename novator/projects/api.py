"""REST API of the projects app: programmes with their stages and measured progress (public), project
summaries (public, approved passports only) and reports (the user's scope). Read-only: writes go through
the pages (the same services)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from novator.core.api import AcademicYearField, IdField, StrictCharField

from . import selectors
from .models import InnovationProject, Programme, ProjectReport, ReportKind, ReportState
from .passport import normalised

# ---------------------------------------------------------------------------------------------------
# Programmes


class ProgrammeResultSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="result.pk")
    title = serializers.CharField(source="result.title")
    unit = serializers.CharField(source="result.unit")
    measured_by = serializers.CharField(
        source="result.source",
        help_text=_("Key of the metric source that measures the actual value (empty: typed in)."),
    )
    target = serializers.CharField(
        source="result.target", help_text=_("What the source measures: a contest id, a status code …")
    )
    planned = serializers.DecimalField(
        source="result.planned_value", max_digits=12, decimal_places=2, allow_null=True
    )
    actual = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    weight = serializers.DecimalField(source="result.weight", max_digits=5, decimal_places=2)
    progress = serializers.IntegerField(source="percent", help_text=_("Percent done, 0–100."))


class ProgrammeStageSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="stage.pk")
    number = serializers.IntegerField(source="stage.number")
    academic_year = serializers.CharField(source="stage.academic_year", help_text=_("e.g. 2022/23"))
    title = serializers.CharField(source="stage.title")
    tasks = serializers.ListField(source="stage.task_list", child=serializers.CharField())
    weight = serializers.DecimalField(source="stage.weight", max_digits=5, decimal_places=2)
    progress = serializers.IntegerField(
        source="percent", allow_null=True, help_text=_("Percent done, 0–100; null without results.")
    )
    planned_results = serializers.SerializerMethodField()
    actual_results = serializers.SerializerMethodField()
    results = ProgrammeResultSerializer(many=True)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_planned_results(self, stage: Any) -> list[str]:
        return [
            f"{r.result.title}: {r.result.planned_value.normalize():f} {r.result.unit}".strip()
            if r.result.planned_value is not None
            else r.result.title
            for r in stage.results
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_actual_results(self, stage: Any) -> list[str]:
        return [
            f"{r.result.title}: {r.actual.normalize():f} {r.result.unit}".strip()
            if r.actual is not None
            else f"{r.result.title}: —"
            for r in stage.results
        ]


class ProgrammeSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="programme.pk")
    title = serializers.CharField(source="programme.title")
    goal = serializers.CharField(source="programme.goal")
    municipality = serializers.CharField(source="programme.municipality.oktmo", help_text=_("ОКТМО"))
    organizer = serializers.CharField(source="programme.organizer.short_name", allow_null=True, default=None)
    status_kind = serializers.CharField(source="programme.status_kind.code", allow_null=True, default=None)
    starts_on = serializers.DateField(source="programme.starts_on")
    ends_on = serializers.DateField(source="programme.ends_on")
    progress = serializers.IntegerField(
        source="percent", allow_null=True, help_text=_("Percent done, 0–100.")
    )
    stages = ProgrammeStageSerializer(many=True)


@extend_schema_view(
    list=extend_schema(
        summary=_("Programmes with their stages and progress"), responses=ProgrammeSerializer(many=True)
    ),
    retrieve=extend_schema(
        summary=_("A programme with its stages and progress"), responses=ProgrammeSerializer
    ),
)
class ProgrammeViewSet(viewsets.ReadOnlyModelViewSet):
    """Programmes of the innovation infrastructure: stages by academic year with planned and actual
    results (actual values counted from contests and the register of statuses) and progress."""

    serializer_class = ProgrammeSerializer
    filter_backends: list[Any] = []
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Programme]:
        return selectors.programme_list_with_stages(user=self.request.user)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        data = ProgrammeSerializer(selectors.timelines(list(page or [])), many=True).data
        return self.get_paginated_response(data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        programme = self.get_object()
        return Response(ProgrammeSerializer(selectors.timeline(programme)).data)


# ---------------------------------------------------------------------------------------------------
# Projects


class ProjectSummarySerializer(serializers.ModelSerializer):
    organization = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    goal = serializers.SerializerMethodField()
    novelty = serializers.SerializerMethodField()
    practical_significance = serializers.SerializerMethodField()
    expected_results = serializers.SerializerMethodField()
    approved_at = serializers.DateTimeField(
        source="approved_version.decided_at", allow_null=True, default=None
    )

    class Meta:
        model = InnovationProject
        fields = [
            "id",
            "title",
            "organization",
            "status",
            "starts_on",
            "ends_on",
            "goal",
            "novelty",
            "practical_significance",
            "expected_results",
            "approved_at",
        ]

    def _passport(self, project: InnovationProject) -> dict[str, Any]:
        return normalised(project.approved_version.passport if project.approved_version else {})

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "short_name": {"type": "string"},
                "municipality": {"type": "string", "description": "ОКТМО"},
            },
        }
    )
    def get_organization(self, project: InnovationProject) -> dict[str, Any]:
        o = project.organization
        return {"id": o.pk, "short_name": o.short_name, "municipality": o.municipality.oktmo}

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {
                "id": {"type": "integer"},
                "kind": {"type": "string"},
                "starts_on": {"type": "string", "format": "date"},
                "ends_on": {"type": "string", "format": "date"},
            },
        }
    )
    def get_status(self, project: InnovationProject) -> dict[str, Any] | None:
        s = project.status_assignment
        if s is None:
            return None
        return {"id": s.pk, "kind": s.kind.code, "starts_on": s.starts_on, "ends_on": s.ends_on}

    def get_goal(self, project: InnovationProject) -> str:
        return str(self._passport(project)["goal"])

    def get_novelty(self, project: InnovationProject) -> str:
        return str(self._passport(project)["novelty"])

    def get_practical_significance(self, project: InnovationProject) -> str:
        return str(self._passport(project)["significance"])

    def get_expected_results(self, project: InnovationProject) -> str:
        return str(self._passport(project)["expected_results"])


class ProjectFilterSerializer(serializers.Serializer):
    municipality = StrictCharField(
        required=False, allow_blank=True, max_length=11, help_text=_("ОКТМО of the municipality.")
    )
    status_kind = StrictCharField(
        required=False, allow_blank=True, max_length=20, help_text=_("Code of the status, e.g. MIP.")
    )
    organization = IdField(required=False, help_text=_("Id of the organisation."))

    def validate_municipality(self, value: str) -> str:
        if value and not value.isdigit():
            raise serializers.ValidationError(_("An ОКТМО consists of digits."))
        return value


@extend_schema_view(
    list=extend_schema(
        summary=_("Public summaries of approved innovation projects"), parameters=[ProjectFilterSerializer]
    ),
    retrieve=extend_schema(summary=_("The public summary of an innovation project")),
)
class ProjectViewSet(viewsets.ReadOnlyModelViewSet):
    """Innovation projects of organisations: the public summary of the approved passport."""

    serializer_class = ProjectSummarySerializer
    filter_backends: list[Any] = []
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[InnovationProject]:
        if self.action != "list" or getattr(self, "swagger_fake_view", False):
            return selectors.project_list(user=None, public_only=True)
        params = ProjectFilterSerializer(data=self.request.query_params.dict())
        params.is_valid(raise_exception=True)
        f = params.validated_data
        return selectors.project_list(
            user=None,
            public_only=True,
            municipality_oktmo=f.get("municipality", ""),
            status_kind=f.get("status_kind", ""),
            organization_id=f.get("organization"),
        )


# ---------------------------------------------------------------------------------------------------
# Reports


class ReportSerializer(serializers.ModelSerializer):
    project = serializers.IntegerField(source="project_id")
    project_title = serializers.CharField(source="project.title")
    organization = serializers.IntegerField(source="project.organization_id")
    organization_name = serializers.CharField(source="project.organization.short_name")
    report_kind = serializers.ChoiceField(source="kind", choices=ReportKind.choices)
    report_state = serializers.ChoiceField(source="state", choices=ReportState.choices)
    is_overdue = serializers.BooleanField(help_text=_("The due date (or the date for fixes) has passed."))

    class Meta:
        model = ProjectReport
        fields = [
            "id",
            "project",
            "project_title",
            "organization",
            "organization_name",
            "report_kind",
            "academic_year",
            "due_on",
            "report_state",
            "is_overdue",
            "fixes_due_on",
            "submitted_at",
            "decided_at",
        ]


class ReportFilterSerializer(serializers.Serializer):
    academic_year = AcademicYearField(required=False, allow_blank=True)
    state = serializers.ChoiceField(choices=ReportState.choices, required=False, allow_blank=True)
    overdue = serializers.BooleanField(required=False, default=False)


@extend_schema_view(
    list=extend_schema(
        summary=_("Reports on projects the user works with"), parameters=[ReportFilterSerializer]
    ),
    retrieve=extend_schema(summary=_("A report")),
)
class ReportViewSet(viewsets.ReadOnlyModelViewSet):
    """Annual and final reports, scoped: coordinators see their organisation's, methodologists their
    municipality's, observers their region's or municipality's."""

    serializer_class = ReportSerializer
    permission_classes = [IsAuthenticated]
    filter_backends: list[Any] = []
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[ProjectReport]:
        if self.action != "list" or getattr(self, "swagger_fake_view", False):
            return selectors.report_list(user=self.request.user)
        params = ReportFilterSerializer(data=self.request.query_params.dict())
        params.is_valid(raise_exception=True)
        f = params.validated_data
        return selectors.report_list(
            user=self.request.user,
            academic_year=f.get("academic_year", ""),
            state=f.get("state", ""),
            overdue=f.get("overdue", False),
        )
