"""Remind coordinators about monitoring forms due soon or overdue. Run it daily (bin/serve's daily loop,
cron or a systemd timer); running it twice a day, or twice at once, sends nothing twice.

    manage.py send_campaign_reminders [--today 2024-06-01] [--days 7]
(links in e-mails are made absolute with NOVATOR_BASE_URL by notify())
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from novator.monitoring.campaigns import REMIND_DAYS_BEFORE, reminders_send


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Not a date: {value!r} (expected YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = "Remind coordinators about monitoring campaign forms that are due soon or overdue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=_date, default=None, help="The day to act as of (YYYY-MM-DD).")
        parser.add_argument(
            "--days", type=int, default=REMIND_DAYS_BEFORE, help="Remind this many days before the due date."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["days"] < 0:
            raise CommandError("--days must not be negative")
        with translation.override(settings.LANGUAGE_CODE):
            counts = reminders_send(today=options["today"], days_before=options["days"])
        self.stdout.write(f"due soon: {counts['before']}, overdue: {counts['overdue']}")
