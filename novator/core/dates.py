"""Dates and moments as people here read them: 01.09.2022 and 01.09.2022 09:00 (Europe/Moscow).

On top of `django.utils.formats.date_format` with an explicit format, so the output is the same in
every language (the pages, the documents and the e-mails all show DD.MM.YYYY).
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.formats import date_format

DATE = "d.m.Y"
MOMENT = "d.m.Y H:i"


def ddmmyyyy(day: datetime.date | None) -> str:
    """A date as 01.09.2022 ("" for none)."""
    return date_format(day, DATE) if day else ""


def local_moment(moment: datetime.datetime) -> str:
    """A moment as the user reads it: 01.09.2022 09:00 in the current time zone (Europe/Moscow)."""
    return date_format(timezone.localtime(moment), MOMENT)


#: The non-working public holidays of the Russian Federation fixed by the Labour Code (art. 112), as
#: (month, day): the New Year holidays and Christmas (1–8 January), 23 February, 8 March, 1 and 9 May,
#: 12 June, 4 November. The government's yearly transfers of days off are not known here: a period that
#: crosses one is counted without it.
RUSSIAN_HOLIDAYS: frozenset[tuple[int, int]] = frozenset(
    {(1, d) for d in range(1, 9)} | {(2, 23), (3, 8), (5, 1), (5, 9), (6, 12), (11, 4)}
)


def is_working_day(day: datetime.date) -> bool:
    """Monday to Friday and not a public holiday (`RUSSIAN_HOLIDAYS`)."""
    return day.weekday() < 5 and (day.month, day.day) not in RUSSIAN_HOLIDAYS


def add_working_days(day: datetime.date, count: int) -> datetime.date:
    """The `count`-th working day after `day` (weekends and public holidays skipped): a period of N working
    days that starts on the day after `day` ends on it. `count` 0 is `day` itself."""
    current = day
    left = max(0, count)
    while left:
        current += datetime.timedelta(days=1)
        if is_working_day(current):
            left -= 1
    return current
