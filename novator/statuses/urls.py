from django.urls import path

from . import views

app_name = "statuses"
urlpatterns = [
    path("", views.register, name="register"),
    path("export/", views.register_export, name="export"),
    path("award/", views.award, name="award"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/extend/", views.extend, name="extend"),
    path("<int:pk>/revoke/", views.revoke, name="revoke"),
]
