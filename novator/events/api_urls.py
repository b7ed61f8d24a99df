from django.urls import include, path
from rest_framework.routers import DefaultRouter

from .api import EventViewSet, RegistrationViewSet

router = DefaultRouter()
router.register("events", EventViewSet, basename="event")
router.register("event-registrations", RegistrationViewSet, basename="event-registration")
urlpatterns = [path("", include(router.urls))]
