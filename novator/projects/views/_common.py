"""Helpers of the views of the projects app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _


def get_or_404(read: Callable[..., Any], model: Any, message: str, **kwargs: Any) -> Any:
    try:
        return read(**kwargs)
    except model.DoesNotExist as exc:
        raise Http404(message) from exc


def require(request: HttpRequest, perm: str, obj: Any = None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def error_messages(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


def flash_errors(request: HttpRequest, exc: ValidationError | PermissionDenied) -> None:
    if isinstance(exc, PermissionDenied):
        messages.error(request, str(exc) or _("You do not have permission to do this."))
        return
    for message in error_messages(exc):
        messages.error(request, message)
