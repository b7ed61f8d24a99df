from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("requisites/", views.requisites_list, name="requisites"),
    path("requisites/<str:kind>/<int:pk>/", views.requisites_edit, name="requisites_edit"),
    path("templates/", views.templates_list, name="templates"),
    path("templates/<int:municipality_pk>/<slug:kind>/", views.template_download, name="template_download"),
    path(
        "templates/<int:municipality_pk>/<slug:kind>/upload/", views.template_upload, name="template_upload"
    ),
    path(
        "templates/<int:municipality_pk>/<slug:kind>/restore/",
        views.template_restore,
        name="template_restore",
    ),
]
