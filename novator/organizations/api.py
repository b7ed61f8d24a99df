"""REST API of the registry: municipalities and organisations. Reads are public, writes use services."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from novator.core.api import (
    BoundedPrimaryKeyRelatedField,
    ShapeModelSerializer,
    StrictCharField,
    StrictSlugRelatedField,
    service_errors,
)

from . import selectors, services
from .models import Municipality, Organization, OrganizationKind, OrganizationSubtype, Region

# ---------------------------------------------------------------------------------------------------
# Permissions: a quick answer before the input is read; the services check again with the object.


class _RegistryWritePermission(BasePermission):
    """Anyone may read; writing needs an account and the permission named for the action."""

    create_perm = ""
    create_message: str | Promise = ""
    change_perm = ""
    change_message: str | Promise = ""

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        if not (request.user and request.user.is_authenticated):
            return False  # DRF answers 401 Not authenticated
        if getattr(view, "action", None) == "create" and not request.user.has_perm(self.create_perm):
            self.message = self.create_message
            return False
        return True

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        if self.change_perm and not request.user.has_perm(self.change_perm, obj):
            self.message = self.change_message
            return False
        return True


class OrganizationPermission(_RegistryWritePermission):
    create_perm = "organizations.add_organization"
    create_message = _("Only a methodologist or an administrator can add organisations.")
    change_perm = "organizations.change_organization"
    change_message = _("You cannot change this organisation.")


class MunicipalityPermission(_RegistryWritePermission):
    create_perm = "organizations.add_municipality"
    create_message = _("Only an administrator can add municipalities.")


#: Error answers of the write operations, for the schema.
WRITE_ERRORS = {
    400: OpenApiResponse(description=_("Invalid input: messages by field, the rest in non_field_errors.")),
    401: OpenApiResponse(description=_("Not authenticated: send `Authorization: Token <token>`.")),
    403: OpenApiResponse(description=_("Not allowed for this user; the message says why.")),
}

# ---------------------------------------------------------------------------------------------------
# Municipalities


class MunicipalitySerializer(ShapeModelSerializer):
    region = StrictSlugRelatedField(
        slug_field="code",
        queryset=Region.objects.all(),
        max_length=2,
        help_text=_("Two-digit ОКТМО code of the region, e.g. 03."),
        error_messages={"does_not_exist": _("There is no region with code «{value}».")},
    )
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = Municipality
        fields = ["id", "name", "oktmo", "region", "region_name"]
        read_only_fields = ["id"]


@extend_schema_view(
    list=extend_schema(summary=_("List municipalities")),
    retrieve=extend_schema(summary=_("A municipality by its ОКТМО")),
    create=extend_schema(
        summary=_("Add a municipality (administrators)"),
        responses={201: MunicipalitySerializer, **WRITE_ERRORS},
    ),
)
class MunicipalityViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Municipalities of the registry, looked up by ОКТМО."""

    serializer_class = MunicipalitySerializer
    permission_classes = [MunicipalityPermission]
    filter_backends: list[Any] = []
    lookup_field = "oktmo"
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Municipality]:
        return selectors.municipality_choices()

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with service_errors():
            municipality = services.municipality_create(
                actor=request.user, region=data["region"], name=data["name"], oktmo=data["oktmo"]
            )
        return Response(self.get_serializer(municipality).data, status=status.HTTP_201_CREATED)


# ---------------------------------------------------------------------------------------------------
# Organisations

#: `?ordering=` values and what they sort by (ties broken by id, so pages do not overlap).
ORDERINGS: dict[str, tuple[str, ...]] = {
    "short_name": ("short_name", "id"),
    "-short_name": ("-short_name", "-id"),
    "inn": ("inn",),
    "-inn": ("-inn",),
    "updated_at": ("updated_at", "id"),
    "-updated_at": ("-updated_at", "-id"),
}


class OrganizationFilterSerializer(serializers.Serializer):
    """Query parameters of the organisation list; an empty parameter means no filter."""

    municipality = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=11,
        help_text=_("ОКТМО of the municipality (8 or 11 digits)."),
    )
    kind = serializers.ChoiceField(choices=OrganizationKind.choices, required=False, allow_blank=True)
    subtype = serializers.ChoiceField(choices=OrganizationSubtype.choices, required=False, allow_blank=True)
    active = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("true: only active organisations, false: only closed ones."),
    )
    search = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text=_("Words to find in names, ИНН, ОГРН and address (case and ё/е do not matter)."),
    )
    inn = serializers.RegexField(
        r"^\d{10}$",
        required=False,
        allow_blank=True,
        help_text=_("ИНН (10 digits): the organisation and its branches, which share it."),
        error_messages={"invalid": _("ИНН of an organisation has 10 digits.")},
    )
    kpp = serializers.RegexField(
        r"^(\d{4}[\dA-Z]{2}\d{3}|-)$",
        required=False,
        allow_blank=True,
        help_text=_(
            "КПП (9 characters), or «-» for organisations without КПП; with `inn` it is the identity."
        ),
        error_messages={
            "invalid": _("КПП has 9 characters: 4 digits, 2 digits or capital letters, 3 digits.")
        },
    )
    ordering = serializers.ChoiceField(choices=list(ORDERINGS), required=False, allow_blank=True)


class OrganizationSerializer(ShapeModelSerializer):
    municipality = StrictSlugRelatedField(
        slug_field="oktmo",
        queryset=Municipality.objects.all(),
        max_length=11,
        help_text=_("ОКТМО of the municipality."),
        error_messages={"does_not_exist": _("There is no municipality with ОКТМО «{value}».")},
    )
    # the metaclass moves declared fields off the class; the stubs see Field.parent (the serializer)
    parent = BoundedPrimaryKeyRelatedField(  # type: ignore[assignment]
        queryset=Organization.objects.all(),
        allow_null=True,
        required=False,
        help_text=_("Id of the parent organisation, for a branch."),
        error_messages={"does_not_exist": _("There is no organisation with id {pk_value}.")},
    )

    parent_inn = serializers.CharField(source="parent.inn", read_only=True, default=None, allow_null=True)
    parent_kpp = serializers.CharField(source="parent.kpp", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Organization
        fields = [
            "id",
            "inn",
            "ogrn",
            "kpp",
            "kind",
            "subtype",
            "short_name",
            "full_name",
            "municipality",
            "address",
            "head_name",
            "head_position",
            "phone",
            "email",
            "website",
            "parent",
            "parent_inn",
            "parent_kpp",
            "is_active",
            "closed_on",
            "updated_at",
        ]
        read_only_fields = ["id", "updated_at"]


@extend_schema_view(
    list=extend_schema(summary=_("List organisations"), parameters=[OrganizationFilterSerializer]),
    retrieve=extend_schema(summary=_("An organisation")),
    create=extend_schema(
        summary=_("Add an organisation (methodologists in their municipalities)"),
        responses={201: OrganizationSerializer, **WRITE_ERRORS},
    ),
    partial_update=extend_schema(
        summary=_("Change an organisation"),
        description=_(
            "Methodologists change organisations of their municipalities; an organisation's coordinator "
            "changes only its contact fields (address, head, phone, e-mail, website, КПП)."
        ),
        responses={
            200: OrganizationSerializer,
            **WRITE_ERRORS,
            404: OpenApiResponse(description=_("No such organisation.")),
        },
    ),
)
class OrganizationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """The public registry of educational organisations."""

    serializer_class = OrganizationSerializer
    permission_classes = [OrganizationPermission]
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Organization]:
        if self.action != "list" or getattr(self, "swagger_fake_view", False):
            return selectors.organization_list(user=self.request.user)
        # A plain dict: on a QueryDict DRF would read a missing boolean as false.
        params = OrganizationFilterSerializer(data=self.request.query_params.dict())
        params.is_valid(raise_exception=True)
        filters = params.validated_data
        organizations = selectors.organization_list(
            user=self.request.user,
            search=filters.get("search", ""),
            municipality_oktmo=filters.get("municipality", ""),
            kind=filters.get("kind", ""),
            subtype=filters.get("subtype", ""),
            active=filters.get("active"),
            inn=filters.get("inn", ""),
            kpp={"": None, "-": ""}.get(filters.get("kpp", ""), filters.get("kpp")),
        )
        return organizations.order_by(*ORDERINGS[filters.get("ordering") or "short_name"])

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            organization = services.organization_create(actor=request.user, data=serializer.validated_data)
        return Response(self.get_serializer(organization).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        organization = self.get_object()
        serializer = self.get_serializer(organization, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            services.organization_update(
                actor=request.user, organization=organization, data=serializer.validated_data
            )
        return Response(self.get_serializer(organization).data)
