from django.contrib import admin
from django.urls import include, path

from novator.accounts import otp_views
from novator.core.views import healthz

# the admin signs in through the site's login page (which asks for the second factor); set before
# admin.site.urls is read below
admin.site.login = otp_views.admin_login  # type: ignore[method-assign]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("novator.accounts.urls")),
    path("api/v1/", include("config.api_urls")),
    path("registry/", include("novator.organizations.urls")),
    path("statuses/", include("novator.statuses.urls")),
    path("contests/", include("novator.contests.urls")),
    path("expertise/", include("novator.expertise.urls")),
    path("projects/", include("novator.projects.urls")),
    path("library/", include("novator.library.urls")),
    path("networks/", include("novator.networks.urls")),
    path("events/", include("novator.events.urls")),
    path("monitoring/", include("novator.monitoring.urls")),
    path("region/", include("novator.regions.urls")),
    path("notifications/", include("novator.notifications.urls")),
    path("privacy/", include("novator.privacy.urls")),
    path("people/", include("novator.onboarding.urls")),
    path("documents/", include("novator.documents.urls")),
    path("", include("novator.core.urls")),
    path("", include("novator.portal.urls")),
]

# The site's own error pages (templates 400/403/404.html with the layout); a server error renders without
# the database and is a 503 when the database is what failed (novator.core.errors).
handler500 = "novator.core.errors.server_error"

admin.site.site_header = "Новатор"
admin.site.site_title = "Новатор"
