from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "novator.projects"
    label = "projects"
    verbose_name = _("Innovation projects")

    def ready(self) -> None:
        # the metric sources and roadmap detectors of this app register themselves on import
        from . import metrics, roadmap  # noqa: F401
