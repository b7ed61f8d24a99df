from django.urls import path

from .api import InvitationListCreateView

urlpatterns = [path("invitations/", InvitationListCreateView.as_view(), name="api-invitations")]
