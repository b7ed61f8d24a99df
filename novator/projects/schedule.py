"""The schedule of reports on a project, from the term of its status (pure functions).

- The term is cut into academic years (1 September – 31 August); every year that the term touches counts.
- Each year but the last has an annual report due on 15 June of that year (`DUE_MONTH`, `DUE_DAY`).
  A year whose due date falls before the term starts (the term starts in the summer) has no report of
  its own: its weeks are reported with the next year.
- The last year has the final report instead, due on 15 June or on the last day of the term if that
  comes first.
- A revoked status ends the term on the day of revocation: nothing falls due after it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from novator.core.academic_year import AcademicYear

DUE_MONTH, DUE_DAY = 6, 15


@dataclass(frozen=True)
class PlannedReport:
    academic_year: str
    kind: str  # "annual" or "final"
    due_on: datetime.date


def due_date(year: AcademicYear) -> datetime.date:
    return datetime.date(year.start_year + 1, DUE_MONTH, DUE_DAY)


def report_schedule(
    starts_on: datetime.date, ends_on: datetime.date, *, revoked_on: datetime.date | None = None
) -> list[PlannedReport]:
    if ends_on < starts_on:
        return []
    last_day = min(ends_on, revoked_on) if revoked_on else ends_on
    first, last = AcademicYear.of(starts_on), AcademicYear.of(ends_on)
    plan: list[PlannedReport] = []
    for start_year in range(first.start_year, last.start_year):
        year = AcademicYear(start_year)
        due = due_date(year)
        if starts_on <= due <= last_day:
            plan.append(PlannedReport(str(year), "annual", due))
    final_due = min(due_date(last), ends_on)
    if final_due < starts_on:  # a term within one summer reports at its end
        final_due = ends_on
    if final_due <= last_day:
        plan.append(PlannedReport(str(last), "final", final_due))
    return plan
