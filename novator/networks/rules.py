"""Who may do what with networks (django-rules).

- a network is created and its plan, partners and agreement managed by the leader's coordinator, a
  methodologist of the leader's municipality, or an administrator;
- a partner organisation's coordinator confirms or declines the partnership (object: the Partnership).
"""

from __future__ import annotations

from typing import Any

import rules

from novator.accounts.rules import is_admin
from novator.organizations.rules import is_coordinator_of, is_methodologist_of


@rules.predicate
def manages_leader(user: Any, network: Any) -> bool:
    leader = getattr(network, "leader", None)
    return leader is not None and (is_coordinator_of(user, leader) or is_methodologist_of(user, leader))


rules.add_perm("networks.view_network", rules.always_allow)
# object: the leader organisation
rules.add_perm("networks.add_network", is_admin | is_coordinator_of | is_methodologist_of)
rules.add_perm("networks.change_network", is_admin | manages_leader)
# object: the Partnership
rules.add_perm("networks.answer_partnership", is_admin | is_coordinator_of)
