from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpertiseConfig(AppConfig):
    name = "novator.expertise"
    label = "expertise"
    verbose_name = _("Expertise")
