from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnboardingConfig(AppConfig):
    name = "novator.onboarding"
    label = "onboarding"
    verbose_name = _("Invitations and staff")

    def ready(self) -> None:
        # the notifications users may switch e-mail off for (registered here, not in notifications/kinds.py)
        from novator.notifications import kinds

        kinds.register("onboarding.invitation_accepted", _("My invitations accepted"))
        kinds.register("onboarding.join_request", _("Requests to join my organisation"))
        kinds.register(
            "onboarding.join_request_decided", _("Decisions on my requests to join an organisation")
        )
