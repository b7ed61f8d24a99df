from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from novator.core.academic_year import AcademicYear
from novator.monitoring.models import DataValue, MonitoringYear
from novator.monitoring.services import values_recompute


class Command(BaseCommand):
    help = "Recompute the monitoring values (all years that have data, or one with --year 2023/24)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--year", help="academic year, e.g. 2023/24")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["year"]:
            try:
                years = [str(AcademicYear.parse(options["year"]))]
            except ValueError as exc:
                raise CommandError(str(exc)) from None
        else:
            years = sorted(
                set(DataValue.objects.values_list("academic_year", flat=True))
                | set(MonitoringYear.objects.values_list("academic_year", flat=True))
            )
        for year in years:
            result = values_recompute(actor=None, academic_year=year)
            self.stdout.write(f"{result.academic_year}: {result.computed_at:%d.%m.%Y %H:%M}")
