from django.urls import include, path
from rest_framework.routers import DefaultRouter

from .api import NetworkViewSet

router = DefaultRouter()
router.register("networks", NetworkViewSet, basename="network")
urlpatterns = [path("", include(router.urls))]
