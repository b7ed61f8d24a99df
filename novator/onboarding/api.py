"""API: invitations. `POST /api/v1/invitations/` sends one (scope-checked like the page), `GET` lists the
caller's own, newest first, paginated."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated

from novator.accounts.models import Role
from novator.organizations.models import Municipality, Organization

from . import selectors, services
from .models import Invitation
from .rules import INVITABLE_ROLES


class InvitationSerializer(serializers.ModelSerializer):
    role = serializers.ChoiceField(choices=[(r, Role(r).label) for r in INVITABLE_ROLES])
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), required=False, allow_null=True
    )
    municipality = serializers.PrimaryKeyRelatedField(
        queryset=Municipality.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("For a methodologist's invitation instead of an organisation."),
    )
    state = serializers.CharField(source="current_state", read_only=True)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "email",
            "role",
            "organization",
            "municipality",
            "state",
            "created_at",
            "expires_at",
            "accepted_at",
        ]
        read_only_fields = ["id", "state", "created_at", "expires_at", "accepted_at"]

    def create(self, validated_data: dict[str, Any]) -> Invitation:
        try:
            return services.invitation_create(
                actor=self.context["request"].user,
                email=validated_data["email"],
                role=validated_data["role"],
                organization=validated_data.get("organization"),
                municipality=validated_data.get("municipality"),
            )
        except DjangoValidationError as exc:
            detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
            raise serializers.ValidationError(detail) from exc


@extend_schema(tags=["invitations"])
class InvitationListCreateView(generics.ListCreateAPIView):
    """Invitations the caller sent (GET) and a new one (POST: who may invite whom follows the caller's
    roles: a methodologist invites coordinators of organisations in their municipalities, a coordinator the
    staff of their organisation)."""

    serializer_class = InvitationSerializer
    permission_classes = [IsAuthenticated]

    queryset = Invitation.objects.none()  # the model for the schema; the list is the caller's own

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Invitation.objects.none()
        return selectors.own_invitations(user=self.request.user)

    def perform_create(self, serializer: Any) -> None:
        if not self.request.user.has_perm("onboarding.invite"):
            raise PermissionDenied(_("You may not invite users."))
        serializer.save()
