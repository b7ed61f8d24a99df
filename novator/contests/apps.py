from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContestsConfig(AppConfig):
    name = "novator.contests"
    label = "contests"
    verbose_name = _("Contests")

    def ready(self) -> None:
        from novator.notifications.mailing import register_group

        from .mailing import GROUP

        register_group(GROUP)
