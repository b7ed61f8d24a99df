from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .scope import get_scope


def roles(request: HttpRequest) -> dict[str, Any]:
    """The user's roles for the navigation (from the cached scope: one query per request at most).

    `sees_regions`: the link to the comparison of districts (`regions.view_any_comparison`), read from the
    scope rather than through `perms`, which would ask the model backend's two permission queries on every
    page of a user it refuses."""
    scope = get_scope(getattr(request, "user", None))
    return {
        "user_roles": scope.roles | ({"admin"} if scope.is_admin else set()),
        "sees_regions": scope.is_admin or bool(scope.observer_regions),
    }
