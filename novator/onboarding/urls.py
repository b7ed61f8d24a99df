from django.urls import path

from . import views

app_name = "onboarding"
urlpatterns = [
    path("", views.users, name="users"),
    path("users/<int:pk>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("invitations/new/", views.invitation_create, name="invitation_create"),
    path("invitations/<int:pk>/resend/", views.invitation_resend, name="invitation_resend"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("invitation/<str:token>/", views.invitation_accept, name="accept"),
    path("staff-import/", views.staff_import, name="staff_import"),
    path("staff-import/<int:pk>/", views.staff_import_preview, name="staff_import_preview"),
    path("join/", views.join, name="join"),
    path("join-requests/", views.join_requests, name="join_requests"),
    path("join-requests/<int:pk>/decide/", views.join_request_decide, name="join_request_decide"),
]
