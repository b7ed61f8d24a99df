from django.urls import path

from . import views

app_name = "networks"
urlpatterns = [
    path("", views.network_list, name="list"),
    path("new/", views.network_create, name="create"),
    path("overview/", views.overview, name="overview"),
    path("partnerships/<int:pk>/answer/", views.partnership_answer, name="answer"),
    path("agreements/<int:pk>/file/", views.agreement_file, name="agreement_file"),
    path("<int:pk>/", views.network_detail, name="detail"),
    path("<int:pk>/partners/", views.partner_invite, name="invite"),
    path("<int:pk>/agreements/", views.agreement_add, name="agreement_add"),
    path("<int:pk>/plan/", views.plan_item_add, name="plan_add"),
]
