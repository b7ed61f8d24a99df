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
    path("<int:pk>/", views.event_detail, name="detail"),
    path("<int:pk>/event.ics", views.event_ics, name="ics"),
    path("<int:pk>/register/", views.register, name="register"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/certificates/", views.issue_certificates, name="issue_certificates"),
]
