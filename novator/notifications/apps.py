from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "novator.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from . import rules  # noqa: F401
