"""A refusal shown on the next page: the messages of a ValidationError, a PermissionDenied or a form's
errors as flash messages (`django.contrib.messages`), for the views that redirect after a POST.

    try:
        services.round_open(actor=request.user, round=round)
    except ValidationError as exc:
        flash_errors(request, exc)
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _


def error_texts(exc: ValidationError) -> list[str]:
    """Every message of `exc` as text (field errors included, in their order)."""
    return [str(message) for message in exc.messages]


def flash_errors(
    request: HttpRequest,
    exc: ValidationError | PermissionDenied,
    *,
    level: int = messages.ERROR,
    joined: bool = False,
) -> None:
    """One flash message per message of `exc` (or all in one when `joined`); a PermissionDenied says its
    own text or the generic refusal."""
    if isinstance(exc, PermissionDenied):
        messages.add_message(request, level, str(exc) or _("You do not have permission to do this."))
        return
    texts = error_texts(exc)
    for text in [" ".join(texts)] if joined else texts:
        messages.add_message(request, level, text)


def flash_form_errors(request: HttpRequest, form: Any) -> None:
    """One flash message per error of a form (a form not shown again on the page it redirects to)."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))
