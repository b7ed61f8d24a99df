"""Background tasks of the registry (django-tasks; the database backend's `db_worker` runs them)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from novator.core.jobs import job_running

from . import services, uploads
from .importing import apply_plan, build_plan, read_table
from .importing.opendata import read_opendata
from .importing.reader import ImportFileError, Table
from .models import ImportPartsUpload, OrganizationImport


def import_summary(counts: dict[str, int]) -> str:
    return _("Created %(created)d, updated %(updated)d, unchanged %(unchanged)d, rejected %(rejected)d") % {
        k: counts.get(k, 0) for k in ("created", "updated", "unchanged", "rejected")
    }


def _batch_done(progress: Any, rows: list[Any]) -> None:
    """Progress after each committed batch of the import (written to the job row every batch)."""
    progress.step(len(rows), message=_("Row %(row)d") % {"row": rows[-1].number})
    progress.flush()


@task()
def import_organizations_task(import_id: int, job_id: str) -> dict[str, Any]:
    """Import a confirmed upload: read the stored file again, plan it against the database as it is now
    and apply it in batches. Safe to run again: rows already imported come out unchanged."""
    upload = OrganizationImport.objects.select_related("created_by").get(pk=import_id)
    try:
        with job_running(job_id) as progress:
            actor = upload.created_by
            if actor is None or not actor.has_perm("organizations.import_organizations"):
                raise PermissionError(_("The user who uploaded the file may no longer import organisations."))
            table = _read_stored(upload)
            accepted = [int(number) for number in upload.preview.get("accepted", {})]
            plan = build_plan(table, actor=actor, accepted=accepted)
            progress.set_total(len(plan.rows))
            counts = apply_plan(
                plan,
                actor=actor,
                on_batch=lambda rows: _batch_done(progress, rows),
            )
            progress.job.message = ""
            progress.job.result = {"summary": import_summary(counts), **counts}
            progress.job.result_url = reverse("organizations:list")
    except Exception:
        OrganizationImport.objects.filter(pk=upload.pk).update(state=OrganizationImport.State.FAILED)
        raise
    upload.state = OrganizationImport.State.DONE
    upload.result = {
        **counts,
        "rows": [row.as_json() for row in plan.rows if row.action == "reject"][:1000],
    }
    upload.save(update_fields=["state", "result"])
    return counts


def _read_stored(upload: OrganizationImport) -> Table:
    """The stored file again: a table (CSV, XLSX) or the open data of the region chosen at upload."""
    with upload.file.open("rb") as stored:
        if upload.preview.get("file_type") == "xml":
            return read_opendata(stored, region=upload.preview.get("region", ""))
        return read_table(stored)


def _reading(progress: Any, done: int, total: int) -> None:
    """Progress of reading the open data, in per cent of its bytes (written at most once a per cent)."""
    percent = 100 * done // max(1, total)
    if percent > progress.count:
        progress.step(
            percent - progress.count, message=_("Reading the file: %(percent)d%%") % {"percent": percent}
        )
        progress.flush()


@task()
def preview_opendata_task(parts_id: int, region: str, job_id: str) -> dict[str, Any]:
    """The open data uploaded in parts, read for the preview: the region's rows planned against the
    registry and stored as an import waiting for confirmation, whose preview the job then links to. The
    uploaded file becomes the import's file; a file that cannot be read is deleted with the reason."""
    parts = ImportPartsUpload.objects.select_related("created_by").get(pk=parts_id)
    actor = parts.created_by
    path = uploads.parts_upload_path(parts)
    try:
        with job_running(job_id) as progress:
            if not actor.has_perm("organizations.import_organizations"):
                raise PermissionError(_("The user who uploaded the file may no longer import organisations."))
            progress.set_total(100)
            try:
                table = read_opendata(path, region=region, on_progress=lambda d, t: _reading(progress, d, t))
            except ImportFileError as exc:
                raise ImportFileError(exc.message) from None
            plan = build_plan(table, actor=actor)
            upload = services.organization_import_create(
                actor=actor,
                original_name=parts.original_name,
                file_type="xml",
                plan=plan,
                source_path=path,
                region=region,
            )
            progress.job.message = ""
            progress.job.result = {"summary": import_summary(plan.counts()), "import": upload.pk}
            progress.job.result_url = upload.get_absolute_url()
    finally:
        uploads.parts_upload_discard(parts)
    return {"import": upload.pk}
