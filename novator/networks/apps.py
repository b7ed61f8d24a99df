from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworksConfig(AppConfig):
    name = "novator.networks"
    label = "networks"
    verbose_name = _("Networks of leaders and partners")

    def ready(self) -> None:
        from novator.notifications.mailing import register_group

        from .mailing import GROUP

        register_group(GROUP)
        from . import rules  # noqa: F401
