from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatusesConfig(AppConfig):
    name = "novator.statuses"
    label = "statuses"
    verbose_name = _("Register of statuses")
