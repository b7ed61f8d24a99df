"""Academic years run from 1 September to 31 August and are written `2022/23`."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_PATTERN = re.compile(r"^(\d{4})\s*[/-]\s*(\d{2}|\d{4})$")

#: The first and last academic year a user may write: outside them `starts`/`ends` would be dates Python
#: cannot hold (0000/01, 9999/00) or years no record of the authority can have.
MIN_START_YEAR = 1900
MAX_START_YEAR = 2199


@dataclass(frozen=True, order=True)
class AcademicYear:
    start_year: int

    @classmethod
    def parse(cls, text: str) -> AcademicYear:
        match = _PATTERN.match(text.strip())
        if not match:
            raise ValueError(f"Not an academic year: {text!r} (expected e.g. 2022/23)")
        start, end = int(match.group(1)), int(match.group(2))
        if end != (start + 1) % (100 if end < 100 else 10_000):
            raise ValueError(f"Not an academic year: {text!r} (the second year must follow the first)")
        if not MIN_START_YEAR <= start <= MAX_START_YEAR:
            raise ValueError(f"Not an academic year: {text!r} (out of {MIN_START_YEAR}…{MAX_START_YEAR})")
        return cls(start)

    @classmethod
    def parse_valid(cls, text: str) -> AcademicYear:
        """`parse` for what a user wrote: a ValidationError with the message they need."""
        try:
            return cls.parse(text)
        except ValueError:
            raise ValidationError(_("Write the academic year as 2022/23."), code="academic_year") from None

    @classmethod
    def of(cls, day: datetime.date) -> AcademicYear:
        return cls(day.year if day.month >= 9 else day.year - 1)

    @property
    def starts(self) -> datetime.date:
        return datetime.date(self.start_year, 9, 1)

    @property
    def ends(self) -> datetime.date:
        return datetime.date(self.start_year + 1, 8, 31)

    def __str__(self) -> str:
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"
