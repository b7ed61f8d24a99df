from django.urls import path

from . import mailing_views, template_views, views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("unread/", views.unread_badge, name="unread"),
    path("read-all/", views.mark_all_read, name="read_all"),
    path("settings/", views.preferences, name="preferences"),
    path("<int:pk>/read/", views.mark_read, name="read"),
    path("<int:pk>/open/", views.open_notification, name="open"),
    path("mail/contest/<int:pk>/", mailing_views.group_mail, {"kind": "contest"}, name="mail_contest"),
    path("mail/event/<int:pk>/", mailing_views.group_mail, {"kind": "event"}, name="mail_event"),
    path("mail/network/<int:pk>/", mailing_views.group_mail, {"kind": "network"}, name="mail_network"),
    path("templates/", template_views.template_list, name="templates"),
    path("templates/<str:kind>/", template_views.template_edit, name="template_edit"),
    path("templates/<str:kind>/reset/", template_views.template_reset, name="template_reset"),
]
