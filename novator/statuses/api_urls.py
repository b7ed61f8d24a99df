from django.urls import include, path
from rest_framework.routers import DefaultRouter

from .api import StatusAssignmentViewSet, StatusKindViewSet

router = DefaultRouter()
router.register("statuses", StatusAssignmentViewSet, basename="status")
router.register("status-kinds", StatusKindViewSet, basename="status-kind")
urlpatterns = [path("", include(router.urls))]
