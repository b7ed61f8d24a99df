"""Signing in with two factors and setting them up on one's account page (novator.accounts.otp)."""

from __future__ import annotations

import base64
from typing import Any

import django_otp
import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django import forms
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from . import otp
from .oidc import oidc_enabled, provider_name


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=32,
        strip=True,
        error_messages={"required": gettext_lazy("Enter the code.")},
    )


class LoginView(auth_views.LoginView):
    """The password (or «Войти через …»); a user with two factors on gives the code on the next page."""

    template_name = "accounts/login.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["oidc_enabled"] = oidc_enabled()
        context["oidc_provider_name"] = provider_name()
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if otp.has_two_factors(user):
            return otp.login_pending_start(
                self.request, user, backend=user.backend, next_url=self.get_success_url()
            )
        return super().form_valid(form)


@never_cache
@sensitive_post_parameters("code")
def login_code(request: HttpRequest) -> HttpResponse:
    """The second step: a code from the authenticator app or a recovery code. A wrong code counts as a
    failed sign-in for the lockout (django-axes, by user name and address)."""
    pending = otp.login_pending(request)
    if pending is None:
        messages.error(request, _("The sign-in has expired: enter your login and password again."))
        return redirect("accounts:login")
    user, state = pending
    credentials = {"username": user.get_username()}
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        if AxesProxyHandler.is_locked(request, credentials):
            otp.login_pending_clear(request)
            return get_lockout_response(request, credentials=credentials)
        if form.is_valid():
            device = otp.otp_match(user, form.cleaned_data["code"])
            if device is not None:
                otp.login_pending_clear(request)
                auth_login(request, user, backend=state["backend"])
                django_otp.login(request, device)
                if device.persistent_id.startswith("otp_static"):
                    left = otp.recovery_codes_left(user)
                    messages.warning(
                        request,
                        _(
                            "You signed in with a recovery code; %(n)d left. Make new ones on the "
                            "two-factor page."
                        )
                        % {"n": left},
                    )
                next_url = str(state.get("next") or "")
                if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
                    next_url = reverse("portal:home")
                return HttpResponseRedirect(next_url)
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            if getattr(request, "axes_locked_out", False):
                otp.login_pending_clear(request)
                return get_lockout_response(request, credentials=credentials)
            form.add_error(
                "code",
                _(
                    "The code is wrong, expired or already used: enter the six digits the app shows now, "
                    "or an unused recovery code."
                ),
            )
    return render(request, "accounts/login_code.html", {"form": form})


def _qr_svg(device: Any) -> str:
    return str(segno.make(device.config_url, error="m").svg_inline(scale=4, border=2, title=_("QR code")))


@login_required
@never_cache
def two_factor(request: HttpRequest, form: CodeForm | None = None) -> HttpResponse:
    """The account's two factors: on (with the recovery codes left), being set up (QR code and secret),
    or off."""
    user: Any = request.user
    context: dict[str, Any] = {
        "enabled": otp.has_two_factors(user),
        "required": otp.two_factors_required(user),
        "form": form or CodeForm(),
    }
    if context["enabled"]:
        context["recovery_left"] = otp.recovery_codes_left(user)
    else:
        device = otp.totp_pending(user)
        if device is not None:
            context["device"] = device
            context["qr_svg"] = _qr_svg(device)
            context["secret"] = base64.b32encode(device.bin_key).decode()
    return render(request, "accounts/two_factor.html", context)


@login_required
@require_POST
def two_factor_start(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if otp.has_two_factors(user):
        messages.info(request, _("Two factors are already on."))
    else:
        otp.totp_setup_start(actor=user)
    return redirect("accounts:two_factor")


def _show_codes(request: HttpRequest, codes: list[str]) -> HttpResponse:
    response = render(request, "accounts/recovery_codes.html", {"codes": codes})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
@sensitive_post_parameters("code")
def two_factor_confirm(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            codes = otp.totp_setup_confirm(actor=user, token=form.cleaned_data["code"])
        except ValidationError as exc:
            form.add_error("code", exc)
        else:
            # this session has just proved the second factor
            device = otp.TOTPDevice.objects.get(user=user, confirmed=True)
            django_otp.login(request, device)
            messages.success(request, _("Two factors are on: from now on, signing in asks for a code."))
            return _show_codes(request, codes)
    return two_factor(request, form=form)


@login_required
@require_POST
@sensitive_post_parameters("code")
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            otp.two_factors_disable(actor=request.user, token=form.cleaned_data["code"])  # type: ignore[arg-type]
        except ValidationError as exc:
            form.add_error("code", exc)
        else:
            messages.success(request, _("Two factors are off: signing in asks only for the password."))
            return redirect("accounts:two_factor")
    return two_factor(request, form=form)


@login_required
@require_POST
@sensitive_post_parameters("code")
def two_factor_recovery_codes(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            codes = otp.recovery_codes_renew(actor=request.user, token=form.cleaned_data["code"])  # type: ignore[arg-type]
        except ValidationError as exc:
            form.add_error("code", exc)
        else:
            messages.success(request, _("New recovery codes are made; the old ones no longer work."))
            return _show_codes(request, codes)
    return two_factor(request, form=form)


def admin_login(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    """The admin's own login page would skip the code: it sends to the site's login page instead."""
    target = reverse("accounts:login")
    next_url = request.GET.get("next") or reverse("admin:index")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        target += "?" + urlencode({"next": next_url})
    return HttpResponseRedirect(target)
