from django.contrib.auth import views as auth_views
from django.urls import path

from . import oidc, otp_views, views

app_name = "accounts"
urlpatterns = [
    path("", views.profile, name="profile"),
    path("login/", otp_views.LoginView.as_view(), name="login"),
    path("login/code/", otp_views.login_code, name="login_code"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html"),
        name="password_change_done",
    ),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/revoke/", views.token_revoke, name="token_revoke"),
    path("sign-out-everywhere/", views.sign_out_everywhere, name="sign_out_everywhere"),
    # two factors (otp_views) and single sign-on by OpenID Connect (oidc)
    path("two-factor/", otp_views.two_factor, name="two_factor"),
    path("two-factor/start/", otp_views.two_factor_start, name="two_factor_start"),
    path("two-factor/confirm/", otp_views.two_factor_confirm, name="two_factor_confirm"),
    path("two-factor/disable/", otp_views.two_factor_disable, name="two_factor_disable"),
    path("two-factor/recovery-codes/", otp_views.two_factor_recovery_codes, name="two_factor_recovery_codes"),
    path("oidc/login/", oidc.OIDCLoginView.as_view(), name="oidc_login"),
    path("oidc/callback/", oidc.OIDCCallbackView.as_view(), name="oidc_callback"),
]
