from __future__ import annotations

from typing import Any

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from . import services
from .authentication import idle_limit
from .forms import PasswordResetForm
from .models import ApiToken, RoleAssignment


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """The user's account: roles with their scope and links to the password and e-mail settings."""
    user: Any = request.user
    assignments = (
        RoleAssignment.objects.filter(user=user)
        .select_related("region", "municipality", "organization")
        .order_by("role", "id")
    )
    return render(request, "accounts/profile.html", {"assignments": assignments})


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change; then every API token of the user is revoked (the other sessions end by
    themselves: they carry a hash of the old password, and this one is renewed)."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.user_password_changed(actor=self.request.user, user=form.user)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """«Forgot your password?»: an e-mail with a link, sent through the mail queue. The page says the
    same whether or not the address is known (no one learns who has an account)."""

    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    form_class = PasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        base = settings.NOVATOR_BASE_URL.rstrip("/") or (
            f"{'https' if self.request.is_secure() else 'http'}://{self.request.get_host()}"
        )
        self.extra_email_context = {"base_url": base, "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600}
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The link from the e-mail: a new password, then every session and API token of the user ends. An
    expired, used or forged link gets a page that says so and changes nothing."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    post_reset_login = False

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.user_password_changed(actor=form.user, user=form.user, reset=True)
        # whoever proved they hold the mailbox is not kept out by someone else's failed guesses
        axes_reset(username=form.user.get_username())
        return response


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    """The user's API tokens (the keys themselves are never shown again) and «sign out everywhere»."""
    return render(
        request,
        "accounts/tokens.html",
        {"tokens": services.api_tokens_of(request.user), "idle_days": idle_limit().days},
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest) -> HttpResponse:
    try:
        token = services.api_token_revoke(actor=request.user, pk=int(request.POST.get("token", "")))
    except (ValueError, ApiToken.DoesNotExist):
        messages.error(request, _("This token does not exist or has already been revoked."))
    else:
        messages.success(request, _("The token %(prefix)s… has been revoked.") % {"prefix": token.prefix})
    return redirect("accounts:tokens")


@login_required
@require_POST
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    """End every session of the user, this one included, and revoke every API token."""
    revoked = services.user_sign_out_everywhere(actor=request.user)
    from django.contrib.auth import logout

    logout(request)
    messages.success(
        request,
        _("You have been signed out on every device.")
        + " "
        + ngettext("%(n)d API token was revoked.", "%(n)d API tokens were revoked.", revoked)
        % {"n": revoked},
    )
    return redirect("portal:home")
