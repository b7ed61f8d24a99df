"""Sending a message on an application's thread and downloading a message's file."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from novator.core.files import attachment_response, safe_filename
from novator.core.forms import apply_validation_error

from ..views.applications import _get_application, _render_detail
from . import services
from .forms import MessageForm
from .models import MessageFile


@login_required
@require_POST
def application_message(request: HttpRequest, pk: int) -> HttpResponse:
    application, reviewer = _get_application(request, pk)
    if reviewer or not request.user.has_perm("contests.message_application", application):
        raise PermissionDenied
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.application_message_send(
                actor=request.user,
                application=application,
                text=form.cleaned_data["text"],
                uploads=form.cleaned_data["files"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The message is sent."))
            return redirect(f"{application.get_absolute_url()}#thread")
    return _render_detail(request, application, reviewer, message_form=form)


@login_required
def message_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    stored = get_object_or_404(MessageFile.objects.select_related("message__application__contest"), pk=pk)
    if not request.user.has_perm("contests.message_application", stored.message.application):
        raise PermissionDenied
    return attachment_response(stored.file, safe_filename(stored.original_name, stored.file_type))
