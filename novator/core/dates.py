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
