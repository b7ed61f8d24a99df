"""Background tasks of the expertise (django-tasks; the database backend's `db_worker` runs them)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from novator.core.jobs import job_running


@task()
def assignment_proposal_task(proposal_id: int, job_id: str) -> dict[str, Any]:
    """Compute an assignment proposal (affinity, optimal assignment, the «why» of each pair).

    Safe to run again: a finished proposal is left as it is."""
    from .models import AssignmentProposal
    from .services.proposals import proposal_compute, proposal_url

    with job_running(job_id) as progress:
        progress.every = 1
        proposal = proposal_compute(proposal_id=proposal_id, progress=progress)
        if proposal.state == AssignmentProposal.State.INFEASIBLE:
            summary = _("The constraints cannot all be met: see the reasons.")
        else:
            count = proposal.rows.count()
            summary = ngettext("%(count)d pair proposed.", "%(count)d pairs proposed.", count) % {
                "count": count
            }
        progress.job.message = ""
        progress.job.result = {"summary": summary, "proposal": proposal.pk, "state": proposal.state}
        progress.job.result_url = proposal_url(proposal)
    return {"proposal": proposal.pk, "state": proposal.state}


def reminders_summary(counts: dict[str, int]) -> str:
    return _("Expertise reminders: %(before)d due soon, %(overdue)d overdue.") % {
        "before": counts.get("before", 0),
        "overdue": counts.get("overdue", 0),
    }


@task()
def send_expertise_reminders_task(job_id: str, today: str = "") -> dict[str, Any]:
    """Send the experts' reminders due on `today` (ISO date; empty: today). Safe to retry: a reminder
    already sent is never sent again."""
    import datetime

    from django.conf import settings
    from django.utils import translation

    from .services.deadlines import reminders_send

    day = datetime.date.fromisoformat(today) if today else None
    with translation.override(settings.LANGUAGE_CODE), job_running(job_id) as progress:
        counts = reminders_send(today=day)
        progress.job.result = {"summary": reminders_summary(counts), **counts}
    return dict(counts)
