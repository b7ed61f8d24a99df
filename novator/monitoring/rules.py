"""Who sees and changes what in the monitoring (django-rules)."""

from __future__ import annotations

from typing import Any

import rules

from novator.accounts.rules import is_admin, is_methodologist, is_observer, is_region_manager
from novator.accounts.scope import get_scope
from novator.organizations.rules import is_coordinator_of, is_methodologist_of, is_observer_of


@rules.predicate
def is_region_observer_of(user: Any, obj: Any) -> bool:
    municipality = getattr(obj, "municipality", None)
    return municipality is not None and municipality.region_id in get_scope(user).observer_regions


#: Region-wide settings: the catalogue (data elements, indicators), the weights of the index, the
#: publication and the recomputation of a year. Administrators and region-level roles only: a
#: municipality's methodologist acts in their own municipalities (`monitoring.run_campaigns`).
rules.add_perm("monitoring.manage", is_region_manager)
#: Data campaigns for the organisations of one's own municipalities (the service checks each one).
rules.add_perm("monitoring.run_campaigns", is_region_manager | is_methodologist)
#: Recording an organisation's collected values: its municipality's methodologists (object: the
#: organisation) and the region-level roles.
rules.add_perm("monitoring.record_values", is_region_manager | is_methodologist_of)
#: A data campaign's form: its organisation's coordinator fills it in and submits it; its municipality's
#: methodologists approve or return it (object: the form).
rules.add_perm("monitoring.fill_response", is_admin | is_coordinator_of)
rules.add_perm("monitoring.review_response", is_admin | is_methodologist_of)
#: Unpublished years and aggregates: the authority and the observers.
rules.add_perm("monitoring.view_unpublished", is_admin | is_methodologist | is_observer)
#: An organisation's detail (its values, profile, rank): its coordinator, its municipality's
#: methodologists and observers, the region's observers.
rules.add_perm(
    "monitoring.view_organization",
    is_admin | is_methodologist_of | is_coordinator_of | is_observer_of | is_region_observer_of,
)
