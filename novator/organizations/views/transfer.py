"""Import of the registry from a file (upload → preview → confirm → background job) and its export."""

from __future__ import annotations

import tempfile
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from novator.accounts.scope import get_scope
from novator.core.flash import flash_errors
from novator.core.paging import paginate, query_without

from .. import selectors, services, uploads
from ..exporting import XLSX_CONTENT_TYPE, csv_chunks, export_rows, write_xlsx
from ..forms import ImportUploadForm, RegistryFilterForm
from ..importing import ACTION_LABELS, COLUMNS, COUNT_KEYS, build_plan, max_bytes
from ..importing.reader import max_rows
from ..models import OrganizationImport

PREVIEW_PAGE_SIZE = 100
BADGES = {
    "create": "text-bg-success",
    "update": "text-bg-primary",
    "unchanged": "text-bg-light border",
    "reject": "text-bg-danger",
}
#: Columns the import cannot do without (one of each group).
#: columns every file must have, and pairs of which the file needs one (either name; ОКТМО or the name)
REQUIRED_COLUMNS = {"inn", "ogrn"}
EITHER_COLUMNS = {"short_name", "full_name", "oktmo", "municipality"}


def _require_import_permission(request: HttpRequest) -> None:
    if not request.user.has_perm("organizations.import_organizations"):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    _require_import_permission(request)
    form = ImportUploadForm(request.POST, request.FILES) if request.method == "POST" else ImportUploadForm()
    if request.method == "POST" and form.is_valid():
        user = request.user if request.user.is_authenticated else None
        plan = build_plan(form.table, actor=user)
        upload = services.organization_import_create(
            actor=request.user,
            original_name=form.cleaned_data["file"].name,
            file_type=form.table.file_type,
            content=form.content,
            plan=plan,
        )
        return redirect(upload)
    return render(
        request,
        "organizations/import_upload.html",
        {
            "form": form,
            "columns": COLUMNS,
            "required_columns": REQUIRED_COLUMNS,
            "either_columns": EITHER_COLUMNS,
            "max_bytes": max_bytes(),
            "max_rows": max_rows(),
            "opendata_max_bytes": uploads.max_upload_bytes(),
            "part_bytes": uploads.part_bytes(),
        },
    )


def _visible_upload(request: HttpRequest, pk: int) -> OrganizationImport:
    """Only the uploader and administrators see an upload; to anyone else it does not exist."""
    upload = get_object_or_404(OrganizationImport.objects.select_related("job", "created_by"), pk=pk)
    if upload.created_by_id != request.user.pk and not get_scope(request.user).is_admin:
        raise Http404(_("No such import."))
    return upload


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    _require_import_permission(request)
    upload = _visible_upload(request, pk)
    if request.method == "POST":
        return _confirm(request, upload)
    action = request.GET.get("action", "")
    if action not in COUNT_KEYS and action != selectors.CONFLICTS:
        action = ""
    page = paginate(request, selectors.import_rows(upload=upload, action=action), per_page=PREVIEW_PAGE_SIZE)
    page.object_list = [
        {
            **row.data,
            "position": row.position,
            "label": _("conflict") if row.data.get("conflict") else ACTION_LABELS.get(row.action, ""),
            "badge": "text-bg-warning" if row.data.get("conflict") else BADGES.get(row.action, ""),
        }
        for row in page.object_list
    ]
    tabs: list[tuple[str, Any, int]] = [
        (key, ACTION_LABELS[key], upload.counts.get(count_key, 0)) for key, count_key in COUNT_KEYS.items()
    ]
    conflicts = int(upload.preview.get("conflicts", 0))
    if conflicts:
        tabs.append((selectors.CONFLICTS, _("conflicts"), conflicts))
    previewed = upload.state == OrganizationImport.State.PREVIEWED
    return render(
        request,
        "organizations/import_preview.html",
        {
            "upload": upload,
            "counts": upload.counts,
            "notices": upload.preview.get("notices", []),
            "page": page,
            "action": action,
            "tabs": tabs,
            "total": sum(upload.counts.values()),
            "query_no_page": query_without(request, "page"),
            "can_confirm": previewed and (upload.has_work or bool(conflicts)),
            "can_accept": previewed and bool(conflicts),
            "conflicts": conflicts,
        },
    )


def _confirm(request: HttpRequest, upload: OrganizationImport) -> HttpResponse:
    try:
        accepted = sorted({int(value) for value in request.POST.getlist("accept")})
    except ValueError:
        return HttpResponseBadRequest(_("Unknown row of the preview."))
    if not upload.has_work and not accepted:
        messages.info(request, _("There is nothing to create or update in this file."))
        return redirect(upload)
    try:
        job = services.organization_import_start(actor=request.user, upload=upload, accepted=accepted)
    except (ValidationError, PermissionDenied) as exc:
        flash_errors(request, exc, joined=True)
        return redirect(upload)
    if job is None:
        upload.refresh_from_db()
        messages.info(request, _("This import has already been started."))
        if upload.job_id:
            return redirect("core:job_detail", pk=upload.job_id)
        return redirect(upload)
    return redirect("core:job_detail", pk=job.pk)


@require_GET
def organization_export(request: HttpRequest) -> HttpResponseBase:
    """The registry as the list shows it (same filters and sorting), as XLSX or CSV."""
    file_format = request.GET.get("format", "xlsx")
    if file_format not in ("xlsx", "csv"):
        return HttpResponseBadRequest(_("Unknown format: choose xlsx or csv."))
    form = RegistryFilterForm(request.GET)
    organizations = selectors.organization_list(user=request.user, **form.selector_kwargs())
    if request.GET.get("template"):
        organizations = organizations.none()
        filename = f"organizations-template.{file_format}"
    else:
        filename = f"organizations-{timezone.localdate():%Y-%m-%d}.{file_format}"
    rows = export_rows(organizations)
    if file_format == "csv":
        response = StreamingHttpResponse(csv_chunks(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(True, filename) or ""
        return response
    # XlsxWriter needs a seekable file; the temporary file disappears when the response closes it.
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by FileResponse
    try:
        write_xlsx(rows, target)
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return FileResponse(target, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
