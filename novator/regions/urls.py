from django.urls import path

from . import views

app_name = "regions"
urlpatterns = [
    path("", views.region_index, name="index"),
    path("<int:pk>/", views.region_detail, name="detail"),
    path("<int:pk>/boundaries.geojson", views.boundaries_geojson, name="boundaries"),
    path("<int:pk>/boundaries/", views.boundaries_upload, name="boundaries_upload"),
    path("<int:pk>/boundaries/delete/", views.boundaries_delete, name="boundaries_delete"),
]
