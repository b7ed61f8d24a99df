from django.urls import include, path
from rest_framework.routers import DefaultRouter

from .api import ScoreSheetViewSet

router = DefaultRouter()
router.register("score-sheets", ScoreSheetViewSet, basename="score-sheet")
urlpatterns = [path("", include(router.urls))]
