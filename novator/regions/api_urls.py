from django.urls import path

from .api import RegionComparisonView

urlpatterns = [
    path("regions/<int:pk>/comparison/", RegionComparisonView.as_view(), name="region-comparison"),
]
