from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "novator.events"
    label = "events"
    verbose_name = _("Events and conferences")

    def ready(self) -> None:
        from . import rules  # noqa: F401
