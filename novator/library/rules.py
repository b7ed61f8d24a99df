"""Who may do what in the library (django-rules). Pages, the API, the admin and the services ask these.

- a product is added by an administrator, a methodologist or a coordinator (for their own organisation);
- it is changed by whoever created it, the coordinators of its author organisations and the methodologists
  of their municipalities; the council's decision is recorded by those methodologists only;
- an organisation's adoption is recorded by its coordinator, a methodologist of its municipality, or an
  administrator.
"""

from __future__ import annotations

from typing import Any

import rules

from novator.accounts.rules import is_admin, is_coordinator, is_methodologist
from novator.accounts.scope import get_scope
from novator.organizations.rules import is_coordinator_of, is_methodologist_of


def _author_pairs(product: Any) -> list[tuple[int, int]]:
    """(organisation id, municipality id) of the author organisations (prefetched when possible)."""
    return [(o.pk, o.municipality_id) for o in product.author_organizations.all()]


@rules.predicate
def is_product_author(user: Any, product: Any) -> bool:
    """Created it, or coordinates one of its author organisations."""
    if product is None:
        return False
    if product.created_by_id is not None and product.created_by_id == getattr(user, "pk", None):
        return True
    coordinated = get_scope(user).coordinator_organizations
    return any(org in coordinated for org, _ in _author_pairs(product))


@rules.predicate
def is_product_methodologist(user: Any, product: Any) -> bool:
    """A methodologist of the municipality of one of its author organisations."""
    if product is None:
        return False
    served = get_scope(user).methodologist_municipalities
    return any(municipality in served for _, municipality in _author_pairs(product))


@rules.predicate
def is_published(user: Any, product: Any) -> bool:
    return product is not None and bool(product.is_published)


def _adopter(adoption: Any) -> Any:
    return getattr(adoption, "organization", None)


@rules.predicate
def manages_adopter(user: Any, adoption: Any) -> bool:
    organization = _adopter(adoption)
    return organization is not None and (
        is_coordinator_of(user, organization) or is_methodologist_of(user, organization)
    )


@rules.predicate
def observes_adopter(user: Any, adoption: Any) -> bool:
    organization = _adopter(adoption)
    if organization is None:
        return False
    scope = get_scope(user)
    return (
        organization.municipality_id in scope.observer_municipalities
        or organization.municipality.region_id in scope.observer_regions
    )


@rules.predicate
def authored_adopted_product(user: Any, adoption: Any) -> bool:
    if adoption is None:
        return False
    coordinated = get_scope(user).coordinator_organizations
    return any(org in coordinated for org, _ in _author_pairs(adoption.product))


can_change_product = is_admin | is_product_author | is_product_methodologist
can_adopt_for = is_admin | is_coordinator_of | is_methodologist_of

rules.add_perm("library.view_catalogue", rules.always_allow)
rules.add_perm("library.add_product", is_admin | is_methodologist | is_coordinator)
rules.add_perm("library.view_product", is_published | can_change_product)
rules.add_perm("library.change_product", can_change_product)
rules.add_perm("library.approve_product", is_admin | is_product_methodologist)
# object: the organisation that adopts
rules.add_perm("library.adopt", can_adopt_for)
rules.add_perm("library.change_adoption", is_admin | manages_adopter)
rules.add_perm(
    "library.view_adoption", is_admin | manages_adopter | observes_adopter | authored_adopted_product
)
