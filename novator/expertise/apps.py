from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpertiseConfig(AppConfig):
    name = "novator.expertise"
    label = "expertise"
    verbose_name = _("Expertise")

    def ready(self) -> None:
        from novator.contests.services import CONTEST_TRANSITION_HOOKS

        from .services import on_contest_transition

        # Publishing a contest's results awards the statuses and tells the applicants.
        if on_contest_transition not in CONTEST_TRANSITION_HOOKS:
            CONTEST_TRANSITION_HOOKS.append(on_contest_transition)
