from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "novator.organizations"
    label = "organizations"
    verbose_name = _("Registry of organisations")
