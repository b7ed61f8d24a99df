from django.urls import path

from . import views

app_name = "library"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("new/", views.product_create, name="create"),
    path("replication/", views.replication_overview, name="replication"),
    path("adoptions/", views.adoption_list, name="adoptions"),
    path("adoptions/<int:pk>/", views.adoption_detail, name="adoption"),
    path("files/<int:pk>/", views.file_download, name="file"),
    path("files/<int:pk>/delete/", views.file_delete, name="file_delete"),
    path("<int:pk>/", views.product_detail, name="detail"),
    path("<int:pk>/edit/", views.product_edit, name="edit"),
    path("<int:pk>/publish/", views.product_publish, name="publish"),
    path("<int:pk>/files/", views.file_upload, name="file_upload"),
    path("<int:pk>/adopt/", views.adopt, name="adopt"),
]
