from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "novator.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from .converters import register

        # before any urls.py is imported: `<int:pk>` refuses ids beyond 64 bits (a 404, not a 500)
        register()
