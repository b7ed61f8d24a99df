from django.urls import path

from . import views

app_name = "networks"
urlpatterns = [
    path("", views.network_list, name="list"),
    path("new/", views.network_create, name="create"),
    path("overview/", views.overview, name="overview"),
    path("partnerships/<int:pk>/answer/", views.partnership_answer, name="answer"),
    path("agreements/<int:pk>/file/", views.agreement_file, name="agreement_file"),
    path("agreements/<int:pk>/edit/", views.agreement_edit, name="agreement_edit"),
    path("agreements/<int:pk>/delete/", views.agreement_delete, name="agreement_delete"),
    path("partnerships/<int:pk>/withdraw/", views.partner_withdraw, name="withdraw"),
    path("plan/<int:pk>/edit/", views.plan_item_edit, name="plan_edit"),
    path("plan/<int:pk>/delete/", views.plan_item_delete, name="plan_delete"),
    path("<int:pk>/report.docx", views.annual_report, name="report"),
    path("<int:pk>/", views.network_detail, name="detail"),
    path("<int:pk>/partners/", views.partner_invite, name="invite"),
    path("<int:pk>/agreements/", views.agreement_add, name="agreement_add"),
    path("<int:pk>/plan/", views.plan_item_add, name="plan_add"),
]
