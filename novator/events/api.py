"""The events API: the public list of events (`search`, `from`, `to`), and registrations scoped to the
user, created and cancelled through the same services as the pages."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from novator.core.api import BoundedPrimaryKeyRelatedField, service_errors
from novator.organizations.models import Organization, Person

from . import selectors, services
from .models import Event, Registration


class EventOrganizerSerializer(serializers.ModelSerializer):
    municipality = serializers.CharField(source="municipality.name", read_only=True)

    class Meta:
        model = Organization
        fields = ["id", "short_name", "municipality"]


class EventSerializer(serializers.ModelSerializer):
    organizers = EventOrganizerSerializer(many=True, read_only=True)
    registered = serializers.IntegerField(source="registered_count", read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Event
        fields = [
            "id",
            "title",
            "kind",
            "level",
            "starts_at",
            "ends_at",
            "place",
            "link",
            "audience",
            "capacity",
            "registered",
            "registration_opens_at",
            "registration_closes_at",
            "organizers",
            "url",
        ]


class EventFilterSerializer(serializers.Serializer):
    search = serializers.CharField(required=False, allow_blank=True, max_length=200)
    kind = serializers.CharField(required=False, allow_blank=True, max_length=20)
    level = serializers.CharField(required=False, allow_blank=True, max_length=20)
    date_from = serializers.DateField(required=False, help_text=_("Events that end on or after this day."))
    date_to = serializers.DateField(required=False, help_text=_("Events that start on or before this day."))

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        # `from` and `to` are Python keywords, hence the renaming here.
        fields["from"] = fields.pop("date_from")
        fields["to"] = fields.pop("date_to")
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("from"), attrs.get("to")
        if start and end and end < start:
            raise serializers.ValidationError({"to": _("The end of the period is before its start.")})
        return attrs


@extend_schema_view(
    list=extend_schema(summary=_("Events and conferences"), parameters=[EventFilterSerializer]),
    retrieve=extend_schema(summary=_("An event")),
)
class EventViewSet(viewsets.ReadOnlyModelViewSet):
    """Published events (and those the user manages), public fields only."""

    serializer_class = EventSerializer
    filter_backends: list[Any] = []
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Event]:
        if self.action != "list" or getattr(self, "swagger_fake_view", False):
            return selectors.event_list(user=self.request.user)
        params = EventFilterSerializer(data=self.request.query_params.dict())
        params.is_valid(raise_exception=True)
        data = params.validated_data
        # from a day on, a `Concatenated` list (under way, then to come): DRF's paginator takes anything
        # sliceable with a count(), the stubs say QuerySet; there are no filter backends to apply to it
        return cast(
            QuerySet[Event],
            selectors.event_list(
                user=self.request.user,
                query=data.get("search", ""),
                kind=data.get("kind", ""),
                level=data.get("level", ""),
                date_from=data.get("from"),
                date_to=data.get("to"),
            ),
        )


class RegistrationSerializer(serializers.ModelSerializer):
    event = BoundedPrimaryKeyRelatedField(queryset=Event.objects.all())
    person = BoundedPrimaryKeyRelatedField(queryset=Person.objects.all())
    person_name = serializers.CharField(source="person.full_name", read_only=True)
    event_title = serializers.CharField(source="event.title", read_only=True)

    class Meta:
        model = Registration
        fields = ["id", "event", "event_title", "person", "person_name", "status", "queued_at", "attended_at"]
        read_only_fields = ["status", "queued_at", "attended_at"]


@extend_schema_view(
    list=extend_schema(summary=_("Registrations I may see")),
    retrieve=extend_schema(summary=_("A registration")),
    create=extend_schema(summary=_("Register a person for an event")),
)
class RegistrationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Own registrations, those of one's staff and of the events one manages."""

    serializer_class = RegistrationSerializer
    permission_classes = [IsAuthenticated]
    filter_backends: list[Any] = []
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Registration]:
        return selectors.registrations_for_user(user=self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        event = get_object_or_404(
            Event.objects.visible_to(request.user), pk=serializer.validated_data["event"].pk
        )
        with service_errors():
            registration = services.registration_create(
                actor=request.user, event=event, person=serializer.validated_data["person"]
            )
        return Response(self.get_serializer(registration).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary=_("Cancel a registration"), request=None, responses=RegistrationSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        registration = self.get_object()
        with service_errors():
            services.registration_cancel(actor=request.user, registration=registration)
        registration.refresh_from_db()
        return Response(self.get_serializer(registration).data)
