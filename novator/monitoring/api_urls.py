from django.urls import include, path
from rest_framework.routers import DefaultRouter

from .api import IndicatorValueViewSet, IndicatorViewSet

router = DefaultRouter()
router.register("indicators", IndicatorViewSet, basename="indicator")
router.register("monitoring/values", IndicatorValueViewSet, basename="monitoring-value")
urlpatterns = [path("", include(router.urls))]
