"""Background tasks of events (django-tasks; the database backend's `db_worker` runs them)."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from novator.core.jobs import job_running

from . import proceedings, services


@task()
def send_event_reminders_task(job_id: str, now: str = "", base_url: str = "") -> dict[str, Any]:
    """Remind everyone registered for tomorrow's events. Safe to retry: nobody is reminded twice."""
    moment = datetime.datetime.fromisoformat(now) if now else None
    with translation.override(settings.LANGUAGE_CODE), job_running(job_id) as progress:
        progress.set_total(services.reminders_due(moment).count())
        sent = services.reminders_send(now=moment, base_url=base_url)
        progress.job.result = {"summary": _("Event reminders sent: %(n)d.") % {"n": sent}, "sent": sent}
    return {"sent": sent}


@task()
def build_proceedings_task(job_id: str, event_id: int, user_id: int | None = None) -> dict[str, Any]:
    """Render and store the proceedings of an event. Safe to retry: the files are replaced."""
    from django.contrib.auth import get_user_model

    from .models import Event

    with job_running(job_id) as progress:
        progress.set_total(3)
        event = Event.objects.get(pk=event_id)
        actor = get_user_model().objects.filter(pk=user_id).first() if user_id else None
        built = proceedings.build(event, actor=actor, on_step=progress.step)
        progress.job.result = {"abstracts": built.abstracts}
        progress.job.result_url = reverse("events:detail", args=[event.pk]) + "#proceedings"
    return {"abstracts": built.abstracts}
