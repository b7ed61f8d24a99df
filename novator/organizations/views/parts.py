"""The open data uploaded in parts (see `organizations.uploads`): three small JSON endpoints that the
import page's script calls — start, one part, finish — and the preview job they end in."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from novator.core.jobs import enqueue_on_commit, job_create

from .. import uploads
from ..models import ImportPartsUpload
from ..tasks import preview_opendata_task


class PartsStartForm(forms.Form):
    name = forms.CharField(max_length=255)
    size = forms.IntegerField(min_value=1)


class PartsFinishForm(forms.Form):
    region = forms.CharField(
        max_length=200,
        error_messages={
            "required": gettext_lazy(
                "Choose the region to import: its code in the file (e.g. 23) or its name."
            )
        },
    )


def _error(message: str, status: int = 400, expected: int | None = None) -> JsonResponse:
    body: dict[str, object] = {"error": message}
    if expected is not None:
        body["expected"] = expected
    return JsonResponse(body, status=status)


def _form_error(form: forms.Form) -> JsonResponse:
    return _error(" ".join(str(m) for errors in form.errors.values() for m in errors))


def _own_upload(request: HttpRequest, token: uuid.UUID) -> ImportPartsUpload:
    if not request.user.has_perm("organizations.import_organizations"):
        raise PermissionDenied
    return get_object_or_404(ImportPartsUpload, token=token, created_by=request.user)


def _state(upload: ImportPartsUpload) -> dict[str, object]:
    return {
        "token": str(upload.token),
        "part_size": upload.part_size,
        "parts": upload.parts,
        "received": upload.received,
        "part_url": reverse("organizations:import_part", args=[upload.token, 0]).rsplit("/0/", 1)[0] + "/",
        "finish_url": reverse("organizations:import_parts_finish", args=[upload.token]),
    }


@login_required
@require_POST
def parts_start(request: HttpRequest) -> JsonResponse:
    if not request.user.has_perm("organizations.import_organizations"):
        raise PermissionDenied
    form = PartsStartForm(request.POST)
    if not form.is_valid():
        return _form_error(form)
    try:
        upload = uploads.parts_upload_start(
            actor=request.user, name=form.cleaned_data["name"], size=form.cleaned_data["size"]
        )
    except uploads.PartsUploadError as exc:
        return _error(exc.message, exc.status)
    return JsonResponse(_state(upload), status=201)


@login_required
@require_POST
def parts_write(request: HttpRequest, token: uuid.UUID, index: int) -> JsonResponse:
    """One part as the raw body of the request (application/octet-stream), read from the stream a
    block at a time: never the whole part in memory, never the body parsed as a form."""
    upload = _own_upload(request, token)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    try:
        upload = uploads.parts_upload_write(
            actor=request.user, upload=upload, index=index, length=length, read=request.read
        )
    except uploads.PartsUploadError as exc:
        return _error(exc.message, exc.status, exc.expected)
    return JsonResponse(_state(upload))


@login_required
@require_POST
def parts_finish(request: HttpRequest, token: uuid.UUID) -> JsonResponse:
    """All parts there: the file is checked and read for the preview by a background job, whose page
    shows the progress and then leads to the preview."""
    upload = _own_upload(request, token)
    form = PartsFinishForm(request.POST)
    if not form.is_valid():
        return _form_error(form)
    try:
        uploads.parts_upload_finish(actor=request.user, upload=upload)
    except uploads.PartsUploadError as exc:
        return _error(exc.message, exc.status, exc.expected)
    with transaction.atomic():
        job = job_create(
            actor=request.user,
            kind="organizations.import_preview",
            title=_("Reading «%(name)s» for the import preview") % {"name": upload.original_name},
        )
        enqueue_on_commit(preview_opendata_task, upload.pk, form.cleaned_data["region"], str(job.pk))
    return JsonResponse({"redirect": reverse("core:job_detail", args=[job.pk])})
