from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpertiseConfig(AppConfig):
    name = "novator.expertise"
    label = "expertise"
    verbose_name = _("Expertise")

    def ready(self) -> None:
        from novator.contests.checks import RESULTS_CHECKS
        from novator.contests.services import CONTEST_TRANSITION_HOOKS

        from .services import on_contest_transition
        from .services.deliberation import check_spread_discussed

        # Publishing a contest's results awards the statuses and tells the applicants.
        if on_contest_transition not in CONTEST_TRANSITION_HOOKS:
            CONTEST_TRANSITION_HOOKS.append(on_contest_transition)
        # Disputed applications are discussed (or the chair says why not) before the results are confirmed.
        if check_spread_discussed not in RESULTS_CHECKS:
            RESULTS_CHECKS.append(check_spread_discussed)

        from novator.contests.stages import EXPERTISE_PROGRESS

        from .selectors.progress import expertise_progress

        # The contest's stage guide reads how far the scoring is.
        if expertise_progress not in EXPERTISE_PROGRESS:
            EXPERTISE_PROGRESS.append(expertise_progress)
