"""Background tasks of the registry (django-tasks; the database backend's `db_worker` runs them)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from novator.core.jobs import job_running

from .importing import apply_plan, build_plan, read_table
from .models import OrganizationImport


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
            with upload.file.open("rb") as stored:
                table = read_table(stored)
            plan = build_plan(table, actor=actor)
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
