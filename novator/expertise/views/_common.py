"""Shared helpers of the expertise pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from novator.contests.models import Contest


def get_contest(request: HttpRequest, pk: int, perm: str) -> Contest:
    """The contest with its commission and criteria loaded; 404 when the user may not see it, 403 when
    they may see it but not do `perm`."""
    contest = (
        Contest.objects.visible_to(request.user)
        .select_related(
            "commission__chair__user", "commission__secretary", "status_kind", "organiser_municipality"
        )
        .filter(pk=pk)
        .first()
    )
    if contest is None:
        raise Http404(_("No such contest."))
    if not request.user.has_perm(perm, contest):
        raise PermissionDenied
    return contest


def error_messages(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def form_errors(request: HttpRequest, form: Any) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))
