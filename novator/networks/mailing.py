"""Who a methodologist's group mail to a network's partners reaches.

Registered with `notifications.mailing` in `apps.ready`, so that notifications never imports this app."""

from __future__ import annotations

from typing import Any

from novator.notifications.mailing import GroupKind, Recipient, coordinators, model_loader


def network_recipients(network: Any) -> list[Recipient]:
    from novator.networks.models import PartnerState

    partners = list(
        network.partnerships.filter(state=PartnerState.CONFIRMED).values_list("organization_id", flat=True)
    )
    return coordinators([network.leader_id, *partners])


GROUP = GroupKind(
    "network",
    model_loader("networks.Network"),
    "networks.change_network",
    lambda n: n.topic,
    network_recipients,
)
