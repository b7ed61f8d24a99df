from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("requisites/", views.requisites_list, name="requisites"),
    path("requisites/<str:kind>/<int:pk>/", views.requisites_edit, name="requisites_edit"),
]
