from django.urls import include, path
from rest_framework.routers import DefaultRouter

from .api import ProgrammeViewSet, ProjectViewSet, ReportViewSet

router = DefaultRouter()
router.register("programmes", ProgrammeViewSet, basename="programme")
router.register("projects", ProjectViewSet, basename="project")
router.register("project-reports", ReportViewSet, basename="project-report")
urlpatterns = [path("", include(router.urls))]
