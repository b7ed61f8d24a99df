from django.urls import include, path
from rest_framework.routers import DefaultRouter

from .api import MunicipalityViewSet, OrganizationViewSet

router = DefaultRouter()
router.register("municipalities", MunicipalityViewSet, basename="municipality")
router.register("organizations", OrganizationViewSet, basename="organization")

urlpatterns = [path("", include(router.urls))]
