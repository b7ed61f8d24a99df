"""Background tasks of onboarding (django-tasks; the database backend's worker runs them)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from novator.core.jobs import job_running

from .models import StaffImport
from .staffing import apply_staff, plan_staff, read_staff_table


def staff_summary(counts: dict[str, int]) -> str:
    return _("Added and invited %(created)d, already there %(unchanged)d, rejected %(rejected)d") % {
        k: counts.get(k, 0) for k in ("created", "unchanged", "rejected")
    }


@task()
def import_staff_task(import_id: int, job_id: str) -> dict[str, Any]:
    """Apply a confirmed staff file: read the stored file again, plan it against the database as it is now
    (people added since are left alone) and add the rest, one row at a time. Safe to run again."""
    upload = StaffImport.objects.select_related("created_by", "organization").get(pk=import_id)
    try:
        with job_running(job_id) as progress:
            actor = upload.created_by
            if (
                actor is None
                or not actor.is_active
                or not actor.has_perm("onboarding.import_staff", upload.organization)
            ):
                raise PermissionError(
                    _("The user who uploaded the file may no longer add staff to this organisation.")
                )
            with upload.file.open("rb") as stored:
                table = read_staff_table(stored)
            rows = plan_staff(table, organization=upload.organization)
            progress.set_total(len(rows))
            counts = apply_staff(
                rows,
                actor=actor,
                organization=upload.organization,
                on_row=lambda row: progress.step(message=_("Row %(row)d") % {"row": row.number}),
            )
            progress.job.message = ""
            progress.job.result = {"summary": staff_summary(counts), **counts}
            progress.job.result_url = reverse("onboarding:users")
    except Exception:
        StaffImport.objects.filter(pk=upload.pk).update(state=StaffImport.State.FAILED)
        raise
    upload.state = StaffImport.State.DONE
    upload.result = {**counts, "rows": [r.as_json() for r in rows if r.action == "reject"][:1000]}
    upload.save(update_fields=["state", "result"])
    return counts
