"""Template tags of the register of statuses, for pages of other apps that must not import this one."""

from __future__ import annotations

from typing import Any

from django import template

from novator.statuses import selectors

register = template.Library()


@register.inclusion_tag("statuses/_organization_statuses.html")
def statuses_of(organization: Any) -> dict[str, Any]:
    """The statuses an organisation has held and holds: `{% load statuses %}{% statuses_of organization %}`.

    One query (the kinds are joined).
    """
    return {
        "organization": organization,
        "assignments": list(selectors.organization_statuses(organization=organization)),
    }
