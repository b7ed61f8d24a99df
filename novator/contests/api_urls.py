from django.urls import include, path
from rest_framework.routers import DefaultRouter

from .api import ApplicationViewSet, ContestViewSet

router = DefaultRouter()
router.register("contests", ContestViewSet, basename="contest")
router.register("applications", ApplicationViewSet, basename="application")
urlpatterns = [path("", include(router.urls))]
