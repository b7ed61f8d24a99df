from django.urls import path

from . import views, views_campaigns

app_name = "monitoring"
urlpatterns = [
    path("", views.home, name="home"),
    path("method/", views.method, name="method"),
    path("municipalities/<int:pk>/", views.municipality, name="municipality"),
    path("municipalities/<int:pk>/summary.pdf", views.municipality_summary, name="municipality_summary"),
    path("regions/<int:pk>/summary.pdf", views.region_summary, name="region_summary"),
    path("organizations/<int:pk>/", views.organization, name="organization"),
    path("manage/", views.manage, name="manage"),
    path("manage/publish/", views.publish, name="publish"),
    path("manage/recompute/", views.recompute, name="recompute"),
    path("campaigns/", views_campaigns.campaign_list, name="campaigns"),
    path("campaigns/new/", views_campaigns.campaign_create, name="campaign_create"),
    path("responses/<int:pk>/", views_campaigns.response_detail, name="response"),
    path("responses/<int:pk>/<slug:name>/", views_campaigns.response_transition, name="response_transition"),
]
