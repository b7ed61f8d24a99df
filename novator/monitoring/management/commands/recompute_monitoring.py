"""Recompute the precomputed monitoring values.

manage.py recompute_monitoring                 every year that has data (after a change of weights)
manage.py recompute_monitoring --year 2023/24  one year
manage.py recompute_monitoring --nightly       the nightly run: the current academic year and every
                                               computed year that is not published yet; published
                                               years stay as they were published
add --enqueue to run it as a background job (a Job with progress) instead of now
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.formats import date_format

from novator.core.academic_year import AcademicYear
from novator.core.dates import MOMENT
from novator.monitoring.models import DataValue, MonitoringYear
from novator.monitoring.services import recompute_enqueue, values_recompute


def nightly_years() -> list[str]:
    """The current academic year and the computed, unpublished ones."""
    current = str(AcademicYear.of(timezone.localdate()))
    unpublished = MonitoringYear.objects.filter(published=False, computed_at__isnull=False)
    return sorted({current, *unpublished.values_list("academic_year", flat=True)})


class Command(BaseCommand):
    help = "Recompute the monitoring values (all years that have data, one with --year, or --nightly)."

    def add_arguments(self, parser: Any) -> None:
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--year", help="academic year, e.g. 2023/24")
        which.add_argument(
            "--nightly", action="store_true", help="the current year and the unpublished computed ones"
        )
        parser.add_argument("--enqueue", action="store_true", help="run as background jobs instead of now")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["year"]:
            try:
                years = [str(AcademicYear.parse(options["year"]))]
            except ValueError as exc:
                raise CommandError(str(exc)) from None
        elif options["nightly"]:
            years = nightly_years()
        else:
            years = sorted(
                set(DataValue.objects.values_list("academic_year", flat=True))
                | set(MonitoringYear.objects.values_list("academic_year", flat=True))
            )
        for year in years:
            if options["enqueue"]:
                job = recompute_enqueue(actor=None, academic_year=year)
                self.stdout.write(f"{year}: queued job {job.pk}")
                continue
            result = values_recompute(actor=None, academic_year=year)
            computed = date_format(result.computed_at, MOMENT) if result.computed_at else ""
            self.stdout.write(f"{result.academic_year}: {computed}")
