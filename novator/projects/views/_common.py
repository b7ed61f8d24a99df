"""Helpers of the views of the projects app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest


def get_or_404(read: Callable[..., Any], model: Any, message: str, **kwargs: Any) -> Any:
    try:
        return read(**kwargs)
    except model.DoesNotExist as exc:
        raise Http404(message) from exc


def require(request: HttpRequest, perm: str, obj: Any = None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied
