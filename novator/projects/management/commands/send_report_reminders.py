"""Send reminders about project reports and propose revocation for missing ones. Run it daily (cron,
a systemd timer); running it twice a day, or twice at once, sends nothing twice.

    manage.py send_report_reminders [--today 2024-06-01] [--days 14] [--missing-after 30]
                                    [--base-url https://novator.example.org] [--enqueue]
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from novator.core.jobs import enqueue_on_commit, job_create

from ...services.reminders import DAYS_BEFORE, MISSING_AFTER_DAYS, reminders_send
from ...tasks import reminders_summary, send_report_reminders_task


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Not a date: {value!r} (expected YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = (
        "Send reminders about project reports due soon or overdue, and propose revoking statuses for "
        "missing ones."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=_date, default=None, help="The day to act as of (YYYY-MM-DD).")
        parser.add_argument(
            "--days", type=int, default=DAYS_BEFORE, help="Remind this many days before the due date."
        )
        parser.add_argument(
            "--missing-after",
            type=int,
            default=MISSING_AFTER_DAYS,
            help="Propose revocation when a report is this many days late.",
        )
        parser.add_argument(
            "--base-url", default=getattr(settings, "NOVATOR_BASE_URL", ""), help="For links in e-mails."
        )
        parser.add_argument("--enqueue", action="store_true", help="Run as a background job instead of now.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["days"] < 0 or options["missing_after"] < 0:
            raise CommandError("--days and --missing-after must not be negative")
        if options["enqueue"]:
            job = job_create(actor=None, kind="projects.reminders", title="Report reminders")
            enqueue_on_commit(
                send_report_reminders_task,
                str(job.pk),
                options["today"].isoformat() if options["today"] else "",
                options["days"],
                options["missing_after"],
                options["base_url"],
            )
            self.stdout.write(f"queued job {job.pk}")
            return
        with translation.override(settings.LANGUAGE_CODE):
            counts = reminders_send(
                today=options["today"],
                days_before=options["days"],
                missing_after_days=options["missing_after"],
                base_url=options["base_url"],
            )
            self.stdout.write(reminders_summary(counts))
