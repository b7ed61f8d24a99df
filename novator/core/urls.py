from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("jobs/<uuid:pk>/", views.job_detail, name="job_detail"),
    path("jobs/<uuid:pk>/retry/", views.job_retry_view, name="job_retry"),
]
