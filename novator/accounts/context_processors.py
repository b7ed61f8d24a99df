from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .scope import get_scope


def roles(request: HttpRequest) -> dict[str, Any]:
    """The user's roles for the navigation (from the cached scope: one query per request at most)."""
    scope = get_scope(getattr(request, "user", None))
    return {"user_roles": scope.roles | ({"admin"} if scope.is_admin else set())}
