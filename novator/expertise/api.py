"""REST API of the expertise: scoring sheets, read-only and scoped to the user."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.permissions import IsAuthenticated

from novator.core.api import IdField, StrictCharField

from .models import Score, ScoreSheet


class ScoreSerializer(serializers.ModelSerializer):
    criterion = serializers.IntegerField(source="criterion_id", read_only=True)
    criterion_name = serializers.CharField(source="criterion.name", read_only=True)
    max_points = serializers.DecimalField(
        source="criterion.max_points", max_digits=5, decimal_places=1, read_only=True
    )
    weight = serializers.DecimalField(
        source="criterion.weight", max_digits=4, decimal_places=2, read_only=True
    )

    class Meta:
        model = Score
        fields = ["criterion", "criterion_name", "max_points", "weight", "points", "comment"]
        read_only_fields = fields


class SheetApplicationSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    number = serializers.IntegerField(read_only=True, allow_null=True)
    organization = serializers.CharField(source="organization.short_name", read_only=True)
    project_title = serializers.CharField(read_only=True)


class SheetExpertSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="user.display_name", read_only=True)


class ScoreSheetSerializer(serializers.ModelSerializer):
    contest = serializers.IntegerField(source="assignment.application.contest_id", read_only=True)
    application = SheetApplicationSerializer(source="assignment.application", read_only=True)
    expert = SheetExpertSerializer(source="assignment.expert", read_only=True)
    scores = ScoreSerializer(many=True, read_only=True)

    class Meta:
        model = ScoreSheet
        fields = [
            "id",
            "contest",
            "application",
            "expert",
            "state",
            "conclusion",
            "submitted_at",
            "reopen_reason",
            "version",
            "updated_at",
            "scores",
        ]
        read_only_fields = fields


class ScoreSheetFilterSerializer(serializers.Serializer):
    contest = IdField(required=False, help_text=_("Id of the contest."))
    application = IdField(required=False, help_text=_("Id of the application."))
    state = serializers.ChoiceField(choices=ScoreSheet.State.choices, required=False, allow_blank=True)
    mine = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=5,
        help_text=_("`true`: only my own sheets as an expert."),
    )


@extend_schema_view(
    list=extend_schema(
        summary=_("List scoring sheets"),
        description=_(
            "An expert sees their own sheets of published assignments (never those of applications they are "
            "in conflict with); the contest's organiser and the commission's chair see the contest's sheets."
        ),
        parameters=[ScoreSheetFilterSerializer],
    ),
    retrieve=extend_schema(
        summary=_("A scoring sheet"),
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description=_("Id of the sheet."))],
    ),
)
class ScoreSheetViewSet(viewsets.ReadOnlyModelViewSet):
    """Scoring sheets with their points and comments (read-only; scoring happens on the sheet page)."""

    serializer_class = ScoreSheetSerializer
    permission_classes = [IsAuthenticated]
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[ScoreSheet]:
        user = self.request.user
        sheets = (
            ScoreSheet.objects.visible_to(user)
            .select_related("assignment__application__organization", "assignment__expert__user")
            .prefetch_related(
                Prefetch(
                    "scores",
                    queryset=Score.objects.select_related("criterion").order_by(
                        "criterion__position", "criterion_id"
                    ),
                )
            )
            .order_by("assignment__application__contest_id", "assignment__application__number", "pk")
        )
        if self.action != "list" or getattr(self, "swagger_fake_view", False):
            return sheets
        params = ScoreSheetFilterSerializer(data=self.request.query_params.dict())
        params.is_valid(raise_exception=True)
        filters = params.validated_data
        if filters.get("contest"):
            sheets = sheets.filter(assignment__application__contest_id=filters["contest"])
        if filters.get("application"):
            sheets = sheets.filter(assignment__application_id=filters["application"])
        if filters.get("state"):
            sheets = sheets.filter(state=filters["state"])
        if (filters.get("mine") or "").lower() in ("1", "true", "yes"):
            sheets = sheets.filter(assignment__expert__user=user)
        return sheets
