"""`{% load expertise %}{% conclusions application user %}`: the experts' conclusions on an application,
for the applicant once the results are published (anonymised unless the contest shows names) and for the
commission's viewers."""

from __future__ import annotations

from typing import Any

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("expertise/_conclusions.html")
def conclusions(application: Any, user: Any) -> dict[str, Any]:
    if application is None or not user.has_perm("expertise.view_conclusions", application):
        return {"visible": False}
    return {
        "visible": True,
        "application": application,
        "conclusions": selectors.application_conclusions(application),
        "deliberation": selectors.deliberation_for(application),
    }
