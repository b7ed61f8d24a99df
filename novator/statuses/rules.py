"""Who awards and changes statuses (django-rules).

A status is awarded by the authority of its level: a municipal (or federal) status by the methodologists
of the organisation's municipality, a regional one (КИП, РИП) by the regional methodologists of the
organisation's region, by the region's order. Administrators do both. The object is an assignment (saved
or not: the award is asked with an unsaved one) or an organisation (the level unknown: only the scope
counts, the service asks again with the assignment).
"""

from __future__ import annotations

from typing import Any

import rules

from novator.accounts.rules import is_admin, is_methodologist, is_regional_methodologist
from novator.accounts.scope import get_scope
from novator.organizations.rules import is_methodologist_of

from .models import StatusLevel


def _kind_level(obj: Any) -> str | None:
    if obj is None or getattr(obj, "kind_id", None) is None:
        return None
    return str(obj.kind.level)


def _organization(obj: Any) -> Any:
    if obj is None:
        return None
    if obj.__class__.__name__ == "Organization":
        return obj
    return getattr(obj, "organization", None)


@rules.predicate
def is_regional_status(user: Any, obj: Any) -> bool:
    """The assignment is of a status of the regional level (КИП, РИП)."""
    return _kind_level(obj) == StatusLevel.REGIONAL


@rules.predicate
def level_unknown(user: Any, obj: Any) -> bool:
    return _kind_level(obj) is None


@rules.predicate
def is_regional_methodologist_of(user: Any, obj: Any) -> bool:
    """A regional methodologist of the region of the organisation (of the assignment)."""
    regions = get_scope(user).regional_regions
    organization = _organization(obj)
    if not regions or organization is None:
        return False
    return organization.municipality.region_id in regions


can_change_status = (
    is_admin
    | (is_methodologist_of & ~is_regional_status)
    | (is_regional_methodologist_of & (is_regional_status | level_unknown))
)

rules.add_perm("statuses.award_status", can_change_status)
rules.add_perm("statuses.change_status", can_change_status)
# the page of awarding a status by an order (which organisations and kinds it offers follows the above)
rules.add_perm("statuses.open_award_form", is_admin | is_methodologist | is_regional_methodologist)
rules.add_perm("statuses.view_register", rules.always_allow)
