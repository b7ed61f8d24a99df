"""Who sees the region page and who uploads its map (django-rules).

The one place for the region-level roles: observers of a region and its regional methodologists see the
page; administrators and the region's regional methodologists upload its map.
"""

from __future__ import annotations

from typing import Any

import rules

from novator.accounts.rules import is_admin
from novator.accounts.scope import get_scope


@rules.predicate
def is_observer_of_region(user: Any, region: Any) -> bool:
    """An observer whose scope is the whole region (not one municipality of it)."""
    return region is not None and getattr(region, "pk", None) in get_scope(user).observer_regions


@rules.predicate
def sees_some_region(user: Any) -> bool:
    return bool(get_scope(user).observer_regions)


@rules.predicate
def is_regional_methodologist_of(user: Any, region: Any) -> bool:
    return region is not None and getattr(region, "pk", None) in get_scope(user).regional_regions


# a regional methodologist observes its regions too (`Scope.observer_regions`), so it sees the page
can_view_region_comparison = is_admin | is_observer_of_region
can_manage_region_boundaries = is_admin | is_regional_methodologist_of

rules.add_perm("regions.view_comparison", can_view_region_comparison)
rules.add_perm("regions.view_any_comparison", is_admin | sees_some_region)
rules.add_perm("regions.change_boundaries", can_manage_region_boundaries)
