"""NOVATOR_REQUIRE_2FA_FOR: the users it names set two factors up before they use the site.

A signed-in administrator (when ``admin`` is named) whose session was not confirmed with a code is sent
to the two-factor page if they have no authenticator yet, and signed out (to sign in again with the code)
if they have one. The API with a token is not affected: a token request is anonymous here (DRF
authenticates it in the view); the API with a session cookie gets a 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from .otp import has_two_factors, two_factors_required

#: pages a user who must set two factors up may still open
EXEMPT = frozenset(
    {
        "accounts:login",
        "accounts:login_code",
        "accounts:logout",
        "accounts:two_factor",
        "accounts:two_factor_start",
        "accounts:two_factor_confirm",
        "set_language",
        "healthz",
        "javascript-catalog",
    }
)


class RequireTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if not settings.NOVATOR_REQUIRE_2FA_FOR:
            return None
        user: Any = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        if match is not None and match.view_name in EXEMPT:
            return None
        if not two_factors_required(user):
            return None
        message = _("Your role requires signing in with two factors: set up an authenticator app first.")
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=403)
        if has_two_factors(user):
            # a session signed in without the code (before two factors were on)
            logout(request)
            messages.info(request, _("Sign in again with a code from your authenticator app."))
            return HttpResponseRedirect(reverse("accounts:login"))
        messages.warning(request, message)
        return HttpResponseRedirect(reverse("accounts:two_factor"))
