"""REST API of the library: the public catalogue (the page's search selector), adoptions scoped to the
user, and the open-data export of the catalogue (CSV and JSON, streamed)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from novator.core.api import IdField, StrictCharField
from novator.organizations.models import Organization, OrganizationKind

from . import selectors
from .exporting import FORMATS, export_response
from .forms import SORT_CHOICES, parse_year
from .models import Adoption, AdoptionScope, CouncilDecision, MethodProduct, ProductFile, ProductType


class LibraryOrganizationSerializer(serializers.ModelSerializer):
    municipality = serializers.CharField(source="municipality.oktmo", read_only=True, help_text=_("ОКТМО."))
    municipality_name = serializers.CharField(source="municipality.name", read_only=True)

    class Meta:
        model = Organization
        fields = ["id", "short_name", "municipality", "municipality_name"]
        read_only_fields = fields


class ProductFileSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text=_("Download link."))

    class Meta:
        model = ProductFile
        fields = ["id", "title", "original_name", "file_type", "size", "url"]
        read_only_fields = fields

    def get_url(self, obj: ProductFile) -> str:
        request = self.context.get("request")
        path = obj.get_absolute_url()
        return request.build_absolute_uri(path) if request is not None else path


class ProductSerializer(serializers.ModelSerializer):
    author_organizations = LibraryOrganizationSerializer(many=True, read_only=True)
    audience_kinds = serializers.ListField(
        source="audience", child=serializers.ChoiceField(choices=OrganizationKind.choices), read_only=True
    )
    adoption_count = serializers.IntegerField(read_only=True, help_text=_("How many times it was adopted."))
    average_rating = serializers.FloatField(
        read_only=True, allow_null=True, help_text=_("Average rating, 1–5.")
    )
    files = ProductFileSerializer(many=True, read_only=True)
    # Blank until the methodological council has decided; declared so that the schema allows "".
    council_decision = serializers.ChoiceField(
        choices=CouncilDecision.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = MethodProduct
        fields = [
            "id",
            "title",
            "type",
            "annotation",
            "author_names",
            "author_organizations",
            "source_project",
            "audience_kinds",
            "subjects",
            "age_from",
            "age_to",
            "released_on",
            "council_date",
            "council_decision",
            "licence",
            "version",
            "adoption_count",
            "average_rating",
            "files",
        ]
        read_only_fields = fields


class ProductFilterSerializer(serializers.Serializer):
    search = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text=_(
            "Words in Russian; any form of a word finds the others («инновационный» finds «инноваций»)."
        ),
    )
    type = serializers.ChoiceField(choices=ProductType.choices, required=False, allow_blank=True)
    audience = serializers.ChoiceField(choices=OrganizationKind.choices, required=False, allow_blank=True)
    municipality = serializers.RegexField(
        r"^\d{8}(\d{3})?$", required=False, allow_blank=True, help_text=_("ОКТМО of an author organisation.")
    )
    year = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=9,
        help_text=_("Academic year of approval, e.g. 2022/23."),
    )
    organization = IdField(required=False, help_text=_("Id of an author organisation."))
    ordering = serializers.ChoiceField(
        choices=[k for k, _label in SORT_CHOICES], required=False, allow_blank=True
    )

    def validate_year(self, value: str) -> Any:
        if not value.strip():
            return None
        year = parse_year(value)
        if year is None:
            raise serializers.ValidationError(_("Write the academic year as 2022/23."))
        return year


def _product_filters(request: Request) -> dict[str, Any]:
    params = ProductFilterSerializer(data=request.query_params.dict())
    params.is_valid(raise_exception=True)
    data = params.validated_data
    return {
        "query": data.get("search", ""),
        "type": data.get("type", ""),
        "audience": data.get("audience", ""),
        "municipality": data.get("municipality", ""),
        "year": data.get("year"),
        "organization": data.get("organization"),
        "sort": data.get("ordering") or "relevance",
    }


@extend_schema_view(
    list=extend_schema(
        summary=_("The catalogue of methodological products"), parameters=[ProductFilterSerializer]
    ),
    retrieve=extend_schema(summary=_("A methodological product")),
)
class ProductViewSet(viewsets.ReadOnlyModelViewSet):
    """Published methodological products with their adoption count and average rating. Public."""

    serializer_class = ProductSerializer
    filter_backends: list[Any] = []
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[MethodProduct]:
        if self.action != "list" or getattr(self, "swagger_fake_view", False):
            qs = selectors.product_search(user=self.request.user, sort="newest")
        else:
            qs = selectors.product_search(user=self.request.user, **_product_filters(self.request))
        return qs.prefetch_related("files")


class AdoptionProductSerializer(serializers.ModelSerializer):
    class Meta:
        model = MethodProduct
        fields = ["id", "title"]
        read_only_fields = fields


class AdoptionSerializer(serializers.ModelSerializer):
    product = AdoptionProductSerializer(read_only=True)
    organization = LibraryOrganizationSerializer(read_only=True)
    scope = serializers.ChoiceField(choices=AdoptionScope.choices, read_only=True)
    staff = serializers.SerializerMethodField(help_text=_("Names as they may be published (152-ФЗ)."))

    class Meta:
        model = Adoption
        fields = [
            "id",
            "product",
            "organization",
            "adopted_on",
            "scope",
            "staff",
            "changes",
            "outcome",
            "outcome_on",
            "rating",
            "comment",
            "closed_on",
        ]
        read_only_fields = fields

    def get_staff(self, obj: Adoption) -> list[str]:
        return [p.public_name for p in obj.staff.all()]


class AdoptionFilterSerializer(serializers.Serializer):
    product = IdField(required=False, help_text=_("Id of the product."))
    organization = IdField(required=False, help_text=_("Id of the adopting organisation."))


@extend_schema_view(
    list=extend_schema(summary=_("Adoptions of products"), parameters=[AdoptionFilterSerializer]),
    retrieve=extend_schema(summary=_("An adoption")),
)
class AdoptionViewSet(viewsets.ReadOnlyModelViewSet):
    """Adoptions the user may see: of their organisation, of their municipality, of their products."""

    serializer_class = AdoptionSerializer
    permission_classes = [IsAuthenticated]
    filter_backends: list[Any] = []
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Adoption]:
        if self.action != "list" or getattr(self, "swagger_fake_view", False):
            return selectors.adoption_list(user=self.request.user)
        params = AdoptionFilterSerializer(data=self.request.query_params.dict())
        params.is_valid(raise_exception=True)
        return selectors.adoption_list(user=self.request.user, **params.validated_data)


class _CsvRenderer(BaseRenderer):
    """Lets a client that asks for text/csv through content negotiation (the body is streamed anyway)."""

    media_type = "text/csv"
    format = "csv"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> Any:
        return data


class OpenDataExportView(APIView):
    """The published catalogue as open data, streamed: `products.csv` (UTF-8 with BOM, `;`) or
    `products.json` (an array of objects). Accepts the catalogue's filters."""

    permission_classes: list[Any] = []
    renderer_classes = [JSONRenderer, _CsvRenderer]

    @extend_schema(
        summary=_("Open data: the catalogue as CSV or JSON"),
        parameters=[
            OpenApiParameter("file_format", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(FORMATS)),
            ProductFilterSerializer,
        ],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description=_("CSV file")),
            (200, "application/json"): OpenApiResponse(OpenApiTypes.ANY, description=_("JSON array")),
        },
    )
    def get(self, request: Request, file_format: str) -> HttpResponseBase:
        filters = _product_filters(request)
        filters["sort"] = (
            "title" if filters["sort"] == "relevance" and not filters["query"] else filters["sort"]
        )
        products = selectors.product_search(user=None, **filters)
        return export_response(
            products,
            file_format=file_format,
            absolute=request.build_absolute_uri,
            filename=f"library-{timezone.localdate():%Y-%m-%d}.{file_format}",
        )
