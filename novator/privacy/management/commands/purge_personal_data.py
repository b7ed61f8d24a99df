"""Erase personal data whose retention period has run out (settings.PERSONAL_DATA_*)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from novator.privacy.services import purge_personal_data, retention


class Command(BaseCommand):
    help = "Erase people whose retention period has ended and old rows of the personal-data access log."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Only count what would be erased.")
        parser.add_argument("--today", help="Pretend today is this date (YYYY-MM-DD), for checks.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["today"]:
            try:
                today = datetime.date.fromisoformat(options["today"])
            except ValueError as exc:
                raise CommandError(f"--today: not a date: {options['today']}") from exc
        counts = purge_personal_data(today=today, dry_run=options["dry_run"])
        limits = retention()
        verb = "would erase" if options["dry_run"] else "erased"
        self.stdout.write(
            f"{verb}: {counts['people']} people, {counts['access_log']} access-log rows "
            f"(retention: {limits['years']} years, withdrawn consent: {limits['withdrawn_days']} days, "
            f"access log: {limits['access_log_years']} years)"
        )
