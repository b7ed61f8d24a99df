"""Workflows declared as data: each app lists its transitions; one service per workflow enforces them.

A transition names its source states, its target state, the django-rules permission the actor must hold on
the object, whether it needs a reason (a comment the other side will read), extra checks the service runs
(names the service maps to functions), and the button style the pages use.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.functional import Promise


@dataclass(frozen=True)
class Transition:
    name: str
    label: str | Promise
    sources: frozenset[str]
    target: str
    permission: str
    needs_reason: bool = False
    #: extra checks run by the service (names it maps to functions)
    checks: tuple[str, ...] = field(default_factory=tuple)
    style: str = "btn-outline-primary"


def available(transitions: dict[str, Transition], state: str) -> list[Transition]:
    """The transitions that start from `state` (permission is checked separately, per user)."""
    return [t for t in transitions.values() if state in t.sources]
