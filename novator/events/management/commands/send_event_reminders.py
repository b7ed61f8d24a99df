"""E-mail everyone registered for an event that starts tomorrow (Moscow date). Run it daily (bin/serve
does, as do cron or a systemd timer); a second run, or two at once, reminds nobody twice: each
registration records when it was reminded.

    manage.py send_event_reminders [--now 2024-03-11T09:00+03:00] [--base-url https://…] [--enqueue]
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone, translation

from novator.core.jobs import enqueue_on_commit, job_create

from ...services import reminders_send
from ...tasks import send_event_reminders_task


def _moment(value: str) -> datetime.datetime:
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Not a date and time: {value!r} (expected ISO 8601)") from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class Command(BaseCommand):
    help = "E-mail a reminder to everyone registered for an event that starts tomorrow."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", type=_moment, default=None, help="Act as of this moment (ISO 8601).")
        parser.add_argument(
            "--base-url", default=getattr(settings, "NOVATOR_BASE_URL", ""), help="For links in e-mails."
        )
        parser.add_argument("--enqueue", action="store_true", help="Run as a background job instead of now.")

    def handle(self, *args: Any, **options: Any) -> None:
        now = options["now"]
        if options["enqueue"]:
            job = job_create(actor=None, kind="events.reminders", title="Event reminders")
            enqueue_on_commit(
                send_event_reminders_task, str(job.pk), now.isoformat() if now else "", options["base_url"]
            )
            self.stdout.write(f"queued job {job.pk}")
            return
        with translation.override(settings.LANGUAGE_CODE):
            sent = reminders_send(now=now, base_url=options["base_url"])
        self.stdout.write(f"event reminders sent: {sent}")
