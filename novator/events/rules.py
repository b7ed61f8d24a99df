"""Who may do what with events (django-rules).

- an event is managed by an administrator, a coordinator of one of its organisers, or a methodologist of
  an organiser's municipality; they see the tick-list, mark attendance and issue certificates;
- a person is registered by themselves (a teacher whose account is linked to the Person), by a
  coordinator of their organisation, a methodologist of its municipality, or an administrator;
- a public material of a published event is seen by everyone; the others by the event's registrants
  (their own accounts) and its managers.
"""

from __future__ import annotations

from typing import Any

import rules

from novator.accounts.rules import is_admin
from novator.accounts.scope import get_scope
from novator.organizations.rules import is_coordinator_of, is_methodologist_of


@rules.predicate
def manages_event(user: Any, event: Any) -> bool:
    if event is None:
        return False
    scope = get_scope(user)
    if not scope.authenticated:
        return False
    pairs = [(o.pk, o.municipality_id) for o in event.organizers.all()]
    return any(
        org in scope.coordinator_organizations or mun in scope.methodologist_municipalities
        for org, mun in pairs
    )


@rules.predicate
def is_the_person(user: Any, person: Any) -> bool:
    return person is not None and person.user_id is not None and person.user_id == getattr(user, "pk", None)


@rules.predicate
def may_register_for(user: Any, person: Any) -> bool:
    return person is not None and (is_coordinator_of(user, person) or is_methodologist_of(user, person))


@rules.predicate
def is_public_material(user: Any, material: Any) -> bool:
    return material is not None and material.is_public and material.event.is_published


@rules.predicate
def manages_material_event(user: Any, material: Any) -> bool:
    return material is not None and bool(manages_event(user, material.event))


@rules.predicate
def registered_for_material_event(user: Any, material: Any) -> bool:
    """A participant (with a place or on the waitlist) sees the event's materials for registrants."""
    if material is None or not getattr(user, "is_authenticated", False):
        return False
    from .models import Registration, RegistrationStatus

    return (
        Registration.objects.filter(event_id=material.event_id, person__user=user)
        .exclude(status=RegistrationStatus.CANCELLED)
        .exists()
    )


rules.add_perm("events.view_calendar", rules.always_allow)
# object: the Material
rules.add_perm(
    "events.view_material",
    is_public_material | is_admin | manages_material_event | registered_for_material_event,
)
rules.add_perm("events.manage_event", is_admin | manages_event)
# object: the Person registered
rules.add_perm("events.register_person", is_admin | is_the_person | may_register_for)
