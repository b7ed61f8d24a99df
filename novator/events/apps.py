from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "novator.events"
    label = "events"
    verbose_name = _("Events and conferences")

    def ready(self) -> None:
        from novator.notifications.mailing import register_group

        from .mailing import GROUP

        register_group(GROUP)
        from . import rules  # noqa: F401
