from django.urls import path

from . import views

app_name = "events"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("new/", views.event_create, name="create"),
    path("calendar/", views.event_calendar, name="calendar"),
    path("feed.ics", views.feed_ics, name="feed"),
    path("my/", views.my_registrations, name="my"),
    path("verify/", views.verify, name="verify"),
    path("checkin/<str:token>/", views.checkin_view, name="checkin"),
    path("certificates/<str:code>/", views.certificate_download, name="certificate"),
    path("registrations/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("registrations/<int:pk>/ticket/", views.ticket, name="ticket"),
    path("sections/<int:pk>/edit/", views.section_edit, name="section_edit"),
    path("sections/<int:pk>/delete/", views.section_delete, name="section_delete"),
    path("sections/<int:pk>/talks/new/", views.talk_create, name="talk_create"),
    path("talks/<int:pk>/edit/", views.talk_edit, name="talk_edit"),
    path("talks/<int:pk>/delete/", views.talk_delete, name="talk_delete"),
    path("materials/<int:pk>/", views.material_download, name="material"),
    path("materials/<int:pk>/delete/", views.material_delete, name="material_delete"),
    path("<int:pk>/", views.event_detail, name="detail"),
    path("<int:pk>/event.ics", views.event_ics, name="ics"),
    path("<int:pk>/register/", views.register, name="register"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/certificates/", views.issue_certificates, name="issue_certificates"),
    path("<int:pk>/edit/", views.event_edit, name="edit"),
    path("<int:pk>/programme/", views.programme, name="programme"),
    path("<int:pk>/materials/", views.material_add, name="material_add"),
    path("<int:pk>/proceedings.<str:fmt>", views.proceedings_download, name="proceedings"),
    path("<int:pk>/proceedings/build/", views.proceedings_build, name="proceedings_build"),
]
