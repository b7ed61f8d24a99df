from django.urls import include, path, re_path
from rest_framework.routers import DefaultRouter

from .api import AdoptionViewSet, OpenDataExportView, ProductViewSet

router = DefaultRouter()
router.register("products", ProductViewSet, basename="product")
router.register("adoptions", AdoptionViewSet, basename="adoption")
urlpatterns = [
    re_path(
        r"^open-data/products\.(?P<file_format>csv|json)$",
        OpenDataExportView.as_view(),
        name="library-open-data",
    ),
    path("", include(router.urls)),
]
