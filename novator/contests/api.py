"""REST API of contests: the public list of contests and their published results, and the applications a
user may see. Read-only: applications are written through the pages (the same services)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from novator.core.api import AcademicYearField, IdField, StandardPagination, StrictCharField
from novator.organizations.models import Organization, Region

from . import selectors
from .appeals.selectors import appeal_counts
from .models import (
    Application,
    ApplicationState,
    Category,
    Contest,
    ContestKind,
    ContestLevel,
    ContestState,
    Criterion,
    Distinction,
    Round,
)

# ---------------------------------------------------------------------------------------------------
# Serializers


class OrganiserSerializer(serializers.Serializer):
    type = serializers.ChoiceField(
        choices=[("municipality", _("municipality")), ("region", _("region"))],
        help_text=_("Who organises the contest: a municipality or a region."),
    )
    id = serializers.IntegerField()
    name = serializers.CharField()
    oktmo = serializers.CharField(
        help_text=_("ОКТМО code: of the municipality (8 digits) or of the region (2 digits).")
    )


def organiser_data(place: Any) -> dict[str, Any]:
    if isinstance(place, Region):
        return {"type": "region", "id": place.pk, "name": place.name, "oktmo": place.code}
    return {"type": "municipality", "id": place.pk, "name": place.name, "oktmo": place.oktmo}


class CategoryBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "quota"]


class CriterionBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Criterion
        fields = ["id", "name", "max_points", "weight"]


class ContestSerializer(serializers.ModelSerializer):
    status_kind: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        allow_null=True,
        help_text=_(
            "Code of the status the contest awards (MIP, MLSV, KIP …); null for professional contests."
        ),
    )
    organiser = serializers.SerializerMethodField()
    organisers = serializers.SerializerMethodField()
    categories = CategoryBriefSerializer(many=True, read_only=True)
    criteria = CriterionBriefSerializer(many=True, read_only=True)
    max_total = serializers.DecimalField(
        max_digits=9,
        decimal_places=2,
        read_only=True,
        help_text=_("The maximum weighted total: the sum of maximum points × weight over the criteria."),
    )

    class Meta:
        model = Contest
        fields = [
            "id",
            "title",
            "kind",
            "level",
            "status_kind",
            "academic_year",
            "state",
            "opens_at",
            "closes_at",
            "status_term_years",
            "threshold_kind",
            "threshold_value",
            "results_published_at",
            "organiser",
            "organisers",
            "categories",
            "criteria",
            "max_total",
        ]

    @extend_schema_field(OrganiserSerializer)
    def get_organiser(self, contest: Contest) -> dict[str, Any]:
        """The organiser; of an inter-municipal contest, the lead (as before the levels)."""
        return organiser_data(contest.organiser)

    @extend_schema_field(OrganiserSerializer(many=True))
    def get_organisers(self, contest: Contest) -> list[dict[str, Any]]:
        """Every organiser, the lead first, then the co-organisers of an inter-municipal contest."""
        return [organiser_data(place) for place in contest.organisers()]


class ContestFilterSerializer(serializers.Serializer):
    """Query parameters of the contest list; an empty parameter means no filter."""

    kind = serializers.ChoiceField(choices=ContestKind.choices, required=False, allow_blank=True)
    level = serializers.ChoiceField(choices=ContestLevel.choices, required=False, allow_blank=True)
    status_kind = StrictCharField(
        required=False, allow_blank=True, max_length=20, help_text=_("Code of the status, e.g. MIP.")
    )
    academic_year = AcademicYearField(
        required=False, allow_blank=True, help_text=_("Academic year, e.g. 2022/23.")
    )
    state = serializers.ChoiceField(choices=ContestState.choices, required=False, allow_blank=True)


class OrganizationBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "short_name", "kind"]


class ResultOrganizationSerializer(serializers.ModelSerializer):
    municipality = serializers.CharField(
        source="municipality.oktmo",
        read_only=True,
        help_text=_("ОКТМО code of the organisation's municipality."),
    )

    class Meta:
        model = Organization
        fields = ["id", "short_name", "kind", "municipality"]


class CategoryNameSerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name"]


class RoundBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Round
        fields = ["id", "position", "title"]


class ResultRowSerializer(serializers.ModelSerializer):
    """One row of published results. Professional contests add the nomination, the last round reached,
    the distinction and the nominee's name — only with the person's consent to publication (otherwise
    the row shows the organisation and the result only: `nominee` and `project_title` are null)."""

    organization = ResultOrganizationSerializer(read_only=True)
    category = CategoryNameSerializer(read_only=True, allow_null=True)
    project_title = serializers.SerializerMethodField()
    nomination = serializers.SerializerMethodField()
    round = serializers.SerializerMethodField()
    nominee = serializers.SerializerMethodField()
    distinction = serializers.SerializerMethodField()
    next_stage = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id",
            "organization",
            "category",
            "project_title",
            "total",
            "rank",
            "awarded",
            "nomination",
            "round",
            "nominee",
            "distinction",
            "next_stage",
        ]

    def _professional(self, application: Application) -> bool:
        return bool(self.context.get("professional"))

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_project_title(self, application: Application) -> str | None:
        if self._professional(application) and selectors.nominee_public_name(application) is None:
            return None
        return application.project_title

    @extend_schema_field(CategoryNameSerializer(allow_null=True))
    def get_nomination(self, application: Application) -> dict[str, Any] | None:
        if not self._professional(application) or application.category is None:
            return None
        return {"id": application.category.pk, "name": application.category.name}

    @extend_schema_field(RoundBriefSerializer(allow_null=True))
    def get_round(self, application: Application) -> dict[str, Any] | None:
        if not self._professional(application):
            return None
        entry = selectors.last_round_entry(application)
        return RoundBriefSerializer(entry.round).data if entry else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_nominee(self, application: Application) -> str | None:
        return selectors.nominee_public_name(application) if self._professional(application) else None

    @extend_schema_field(serializers.ChoiceField(choices=Distinction.choices, allow_null=True))
    def get_distinction(self, application: Application) -> str | None:
        return (application.distinction or None) if self._professional(application) else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_next_stage(self, application: Application) -> str | None:
        if not self._professional(application) or application.next_stage_at is None:
            return None
        return application.next_stage_note or ""


class ApplicationSerializer(serializers.ModelSerializer):
    organization = OrganizationBriefSerializer(read_only=True)
    category = CategoryNameSerializer(read_only=True, allow_null=True)
    contest: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(read_only=True)
    total = serializers.DecimalField(
        max_digits=8,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text=_("Shown to the applicant once the results are published; to the organiser always."),
    )
    rank = serializers.IntegerField(read_only=True, allow_null=True)
    awarded = serializers.BooleanField(read_only=True, allow_null=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "contest",
            "organization",
            "category",
            "number",
            "project_title",
            "state",
            "submitted_at",
            "total",
            "rank",
            "awarded",
        ]

    def to_representation(self, instance: Application) -> dict[str, Any]:
        data = super().to_representation(instance)
        contest = instance.contest
        user = self.context["request"].user
        if contest.state != ContestState.PUBLISHED and not user.has_perm("contests.manage_contest", contest):
            data.update({"total": None, "rank": None, "awarded": None})
        return data


class ApplicationFilterSerializer(serializers.Serializer):
    contest = IdField(required=False, help_text=_("Id of the contest."))
    state = serializers.ChoiceField(choices=ApplicationState.choices, required=False, allow_blank=True)


# ---------------------------------------------------------------------------------------------------
# Views


class ResultsPagination(StandardPagination):
    """The pages of the results, with the contest's appeals counted by outcome (`appeals`)."""

    appeals: dict[str, int] | None = None

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        response.data["appeals"] = self.appeals or {}
        return response

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        result = super().get_paginated_response_schema(schema)
        counts = {
            name: {"type": "integer", "description": str(text)}
            for name, text in (
                ("total", _("appeals filed")),
                ("pending", _("appeals not decided yet")),
                ("rejected", _("appeals rejected")),
                ("raised", _("appeals upheld with a higher total")),
                ("lowered", _("appeals upheld with a lower total")),
            )
        }
        result["properties"]["appeals"] = {
            "type": "object",
            "properties": counts,
            "description": str(_("The contest's appeals against its results, by outcome.")),
        }
        return result


@extend_schema_view(
    list=extend_schema(
        summary=_("List contests"),
        description=_(
            "Contests that are announced or later are public; drafts are listed only to their organisers."
        ),
        parameters=[ContestFilterSerializer],
    ),
    retrieve=extend_schema(
        summary=_("A contest"), responses={200: ContestSerializer, 404: OpenApiResponse(OpenApiTypes.OBJECT)}
    ),
)
class ContestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Contests for innovation statuses and professional contests."""

    serializer_class = ContestSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Contest]:
        if self.action == "results":  # the rows need the contest only, not its categories and criteria
            return selectors.contest_list(user=self.request.user)
        if self.action != "list" or getattr(self, "swagger_fake_view", False):
            return selectors.contest_list(user=self.request.user, with_setup=True)
        params = ContestFilterSerializer(data=self.request.query_params.dict())
        params.is_valid(raise_exception=True)
        return selectors.contest_list(user=self.request.user, with_setup=True, **params.validated_data)

    @extend_schema(
        summary=_("Published results of a contest"),
        description=_(
            "One row per application that took part in the expertise, by category and rank, a page at a "
            "time like every list (`page`, `page_size`). Answers 404 until the results are published."
        ),
        responses={
            200: ResultRowSerializer(many=True),
            404: OpenApiResponse(description=_("No such contest, or its results are not published yet.")),
        },
    )
    @action(detail=True, methods=["get"], pagination_class=ResultsPagination)
    def results(self, request: Request, pk: str | None = None) -> Response:
        contest = self.get_object()
        if not selectors.results_are_public(contest):
            raise exceptions.NotFound(_("The results of this contest are not published yet."))
        rows = self.paginate_queryset(selectors.contest_results(contest=contest))
        self.paginator.appeals = appeal_counts(contest)  # type: ignore[union-attr]
        context = {"request": request, "professional": contest.kind == ContestKind.PROFESSIONAL}
        return self.get_paginated_response(ResultRowSerializer(rows, many=True, context=context).data)


@extend_schema_view(
    list=extend_schema(
        summary=_("List applications"),
        description=_(
            "Applications the user may see: a coordinator sees those of their organisation, a methodologist "
            "those of the contests they organise. Totals and ranks appear to applicants once the results are "
            "published."
        ),
        parameters=[ApplicationFilterSerializer],
    ),
    retrieve=extend_schema(summary=_("An application")),
)
class ApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Applications to contests (read-only)."""

    serializer_class = ApplicationSerializer
    permission_classes = [IsAuthenticated]
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Application]:
        applications = selectors.applications_visible(user=self.request.user).order_by(
            "contest_id", "number", "id"
        )
        if self.action != "list" or getattr(self, "swagger_fake_view", False):
            return applications
        params = ApplicationFilterSerializer(data=self.request.query_params.dict())
        params.is_valid(raise_exception=True)
        data = params.validated_data
        if data.get("contest"):
            applications = applications.filter(contest_id=data["contest"])
        if data.get("state"):
            applications = applications.filter(state=data["state"])
        return applications
