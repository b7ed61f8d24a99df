"""Who may edit a body's requisites: the methodologist of the municipality (its education authority and
ИМЦ); a region's ministry only the region's manager (an administrator)."""

from __future__ import annotations

from typing import Any

import rules

from novator.accounts.rules import is_admin, is_methodologist, is_region_manager
from novator.accounts.scope import get_scope


@rules.predicate
def is_methodologist_of_body(user: Any, requisites: Any) -> bool:
    municipality_id = getattr(requisites, "municipality_id", None)
    return municipality_id is not None and municipality_id in get_scope(user).methodologist_municipalities


rules.add_perm("documents.view_requisites", is_admin | is_methodologist)
rules.add_perm("documents.change_requisites", is_region_manager | is_methodologist_of_body)


@rules.predicate
def is_methodologist_of_municipality(user: Any, municipality: Any) -> bool:
    return (
        municipality is not None
        and getattr(municipality, "pk", None) in get_scope(user).methodologist_municipalities
    )


rules.add_perm("documents.change_templates", is_region_manager | is_methodologist_of_municipality)
