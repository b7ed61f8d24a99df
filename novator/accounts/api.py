from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import services
from .authentication import ApiTokenAuthentication, idle_limit
from .client_ip import ClientAddressThrottle
from .models import ApiToken


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, style={"input_type": "password"}, trim_whitespace=False)
    name = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text=_("What the token is for (shown in the list)."),
    )

    def validate(self, attrs: dict) -> dict:
        user = authenticate(
            request=self.context.get("request"), username=attrs["username"], password=attrs["password"]
        )
        if user is None or not user.is_active:
            raise serializers.ValidationError(_("Wrong username or password."), code="authorization")
        attrs["user"] = user
        return attrs


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
    id = serializers.IntegerField()
    expires_after_days_unused = serializers.IntegerField()


class ObtainTokenView(APIView):
    """Exchange a username and password for a new API token (send it as `Authorization: Token <token>`).

    The key is shown once. A token stops working after `NOVATOR_API_TOKEN_IDLE_DAYS` days without use,
    when it is revoked (`DELETE` here revokes the token of the request; the account page lists all of
    them), and with a password change or reset."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ClientAddressThrottle]
    throttle_scope = "auth"

    def get_authenticators(self) -> list[Any]:
        # DELETE needs the token it revokes; POST takes no credentials but the password
        request = getattr(self, "request", None)
        if request is not None and request.method == "DELETE":
            return [ApiTokenAuthentication()]
        return []

    def get_throttles(self) -> list[Any]:
        return super().get_throttles() if self.request.method != "DELETE" else []

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenResponseSerializer}, tags=["auth"])
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token, key = services.api_token_issue(
            user=serializer.validated_data["user"], name=serializer.validated_data.get("name", "")
        )
        return Response(
            {"token": key, "id": token.pk, "expires_after_days_unused": idle_limit().days},
            status=status.HTTP_200_OK,
        )

    @extend_schema(request=None, responses={204: None}, tags=["auth"])
    def delete(self, request: Request) -> Response:
        if not isinstance(request.auth, ApiToken):
            return Response(
                {"detail": _("Send the token to revoke in the Authorization header.")},
                status=status.HTTP_401_UNAUTHORIZED,
            )
        services.api_token_revoke(actor=request.user, pk=request.auth.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ApiTokenSerializer(serializers.ModelSerializer):
    current = serializers.SerializerMethodField(help_text=_("The token of this request."))

    class Meta:
        model = ApiToken
        fields = ["id", "prefix", "name", "created", "last_used_at", "current"]

    def get_current(self, obj: ApiToken) -> bool:
        auth = self.context["request"].auth
        return isinstance(auth, ApiToken) and auth.pk == obj.pk


class ApiTokenListView(APIView):
    """The caller's own live API tokens (the keys are not shown: only their first characters)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: ApiTokenSerializer(many=True)}, tags=["auth"])
    def get(self, request: Request) -> Response:
        tokens = services.api_tokens_of(request.user)
        return Response(ApiTokenSerializer(tokens, many=True, context={"request": request}).data)
