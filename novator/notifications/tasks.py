"""Background tasks of notifications (django-tasks; the database backend's `db_worker` runs them)."""

from __future__ import annotations

from django_tasks import task

from . import mail


@task()
def send_email_task(email_id: int) -> str:
    """Send one queued e-mail (``notifications.mail``); a failure is queued again after a delay, up to
    the last of ``NOVATOR_EMAIL_RETRY_DELAYS``. Safe to run again: nothing is sent twice."""
    return mail.deliver(email_id)


@task()
def group_mailing_task(mailing_id: int, job_id: str) -> dict[str, int]:
    """Notify the recipients of a group mailing (``mailing.py``). Safe to run again: it goes on from the
    last recipient notified, and a sent mailing is left as it is."""
    from django.urls import reverse
    from django.utils.translation import ngettext

    from novator.core.jobs import job_running

    from .mailing import mailing_deliver

    with job_running(job_id) as progress:
        mailing = mailing_deliver(mailing_id=mailing_id, progress=progress)
        progress.job.message = ""
        progress.job.result = {
            "summary": ngettext(
                "The message went to %(count)d recipient.",
                "The message went to %(count)d recipients.",
                mailing.delivered,
            )
            % {"count": mailing.delivered}
        }
        progress.job.result_url = reverse(f"notifications:mail_{mailing.group_kind}", args=[mailing.group_id])
    return {"mailing": mailing.pk, "delivered": mailing.delivered}
