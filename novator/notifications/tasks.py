"""Background tasks of notifications (django-tasks; the database backend's `db_worker` runs them)."""

from __future__ import annotations

from django_tasks import task

from . import mail


@task()
def send_email_task(email_id: int) -> str:
    """Send one queued e-mail (``notifications.mail``); a failure is queued again after a delay, up to
    the last of ``NOVATOR_EMAIL_RETRY_DELAYS``. Safe to run again: nothing is sent twice."""
    return mail.deliver(email_id)
