"""Remind experts of their scoring sheets: `reminder_days` days before the due date (the commission's
expertise period, or a round's last day) and the day after it. Run it daily (bin/serve does, as do cron
or a systemd timer); a second run, or two at once, reminds nobody twice: each (sheet, kind) is recorded.

    manage.py send_expertise_reminders [--today 2024-03-11] [--enqueue]
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from novator.core.jobs import enqueue_on_commit, job_create

from ...services.deadlines import reminders_send
from ...tasks import reminders_summary, send_expertise_reminders_task


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Not a date: {value!r} (expected YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = "Remind experts of scoring sheets due soon or overdue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=_date, default=None, help="The day to act as of (YYYY-MM-DD).")
        parser.add_argument("--enqueue", action="store_true", help="Run as a background job instead of now.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = options["today"]
        if options["enqueue"]:
            job = job_create(actor=None, kind="expertise.reminders", title="Expertise reminders")
            enqueue_on_commit(send_expertise_reminders_task, str(job.pk), today.isoformat() if today else "")
            self.stdout.write(f"queued job {job.pk}")
            return
        with translation.override(settings.LANGUAGE_CODE):
            counts = reminders_send(today=today)
            self.stdout.write(reminders_summary(counts))
