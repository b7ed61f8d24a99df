"""Shared helpers of the expertise pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from novator.contests.models import Contest

# the pages' names for the kernel's helpers (a refusal as flash messages)
from novator.core.flash import flash_errors as error_messages
from novator.core.flash import flash_form_errors as form_errors

__all__ = ["error_messages", "form_errors", "get_contest"]


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
