"""E-mails of networks, through `novator.notifications.services.notify` (sent after the commit)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from novator.notifications.services import notify

from .models import Partnership


def _coordinators(organization: Any) -> list[Any]:
    from novator.accounts.models import Role, RoleAssignment

    return [
        a.user
        for a in RoleAssignment.objects.filter(
            role=Role.COORDINATOR, organization=organization
        ).select_related("user")
        if a.user.is_active
    ]


def partner_invited(partnership: Partnership) -> None:
    """The invited organisation's coordinators are asked to confirm or decline on the network's page."""
    network = partnership.network
    notify(
        _coordinators(partnership.organization),
        kind="networks.invitation",
        subject=_("Invitation to the network «%(topic)s»") % {"topic": network.topic[:150]},
        body=_(
            "%(leader)s invites %(partner)s to be a partner of the network «%(topic)s».\n"
            "Confirm or decline on the network's page.\n"
        )
        % {"leader": network.leader, "partner": partnership.organization, "topic": network.topic},
        url=network.get_absolute_url(),
    )
