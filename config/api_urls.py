from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from novator.accounts.api import ApiTokenListView, ObtainTokenView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("auth/tokens/", ApiTokenListView.as_view(), name="api-tokens"),
    path("", include("novator.organizations.api_urls")),
    path("", include("novator.statuses.api_urls")),
    path("", include("novator.contests.api_urls")),
    path("", include("novator.expertise.api_urls")),
    path("", include("novator.projects.api_urls")),
    path("", include("novator.library.api_urls")),
    path("", include("novator.networks.api_urls")),
    path("", include("novator.events.api_urls")),
    path("", include("novator.monitoring.api_urls")),
    path("", include("novator.regions.api_urls")),
    path("", include("novator.onboarding.api_urls")),
]
