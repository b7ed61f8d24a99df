"""Downloads of the appeals' documents: the minutes of one appeal, the draft amending order of a contest."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from novator.contests.appeals import selectors as appeal_selectors
from novator.contests.appeals.models import Appeal
from novator.contests.models import Contest

from .. import appeal_documents


@login_required
def appeal_minutes(request: HttpRequest, pk: int) -> HttpResponseBase:
    try:
        appeal = appeal_selectors.appeal_detail(pk=pk)
    except Appeal.DoesNotExist as exc:
        raise Http404(_("No such appeal.")) from exc
    user = request.user
    if not (
        user.has_perm("contests.review_appeal", appeal)
        or user.has_perm("contests.manage_contest", appeal.application.contest)
    ):
        raise PermissionDenied
    return appeal_documents.appeal_minutes_response(appeal)


@login_required
def amending_order(request: HttpRequest, pk: int) -> HttpResponseBase:
    contest = get_object_or_404(Contest, pk=pk)
    if not request.user.has_perm("contests.manage_contest", contest):
        raise PermissionDenied
    return appeal_documents.amending_order_response(contest)
