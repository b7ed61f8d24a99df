"""Dates read the same in every language: 01.09.2022, 01.09.2022 09:00 (Europe/Moscow)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from novator.core.dates import ddmmyyyy, local_moment


@pytest.mark.parametrize("language", ["ru", "en"])
def test_ddmmyyyy_and_local_moment(language: str) -> None:
    with translation.override(language):
        assert ddmmyyyy(datetime.date(2022, 9, 1)) == "01.09.2022"
        assert ddmmyyyy(None) == ""
        moment = datetime.datetime(2022, 9, 1, 6, 5, tzinfo=datetime.UTC)
        assert local_moment(moment) == "01.09.2022 09:05"


def test_add_working_days_skips_weekends() -> None:
    from novator.core.dates import add_working_days

    friday = datetime.date(2026, 10, 16)
    assert add_working_days(friday, 1) == datetime.date(2026, 10, 19)  # Monday
    assert add_working_days(friday, 5) == datetime.date(2026, 10, 23)
    assert add_working_days(friday, 0) == friday
    saturday = datetime.date(2026, 10, 17)
    assert add_working_days(saturday, 1) == datetime.date(2026, 10, 19)


def test_add_working_days_skips_russian_holidays() -> None:
    from novator.core.dates import add_working_days, is_working_day

    assert not is_working_day(datetime.date(2027, 1, 5))  # a Tuesday of the New Year holidays
    assert not is_working_day(datetime.date(2026, 11, 4))  # a Wednesday, Day of National Unity
    # Tuesday 3 November 2026 + 1 working day: Wednesday 4 November is a holiday → Thursday 5 November
    assert add_working_days(datetime.date(2026, 11, 3), 1) == datetime.date(2026, 11, 5)
    # Thursday 31 December 2026 + 1: the holidays run to Friday 8 January → Monday 11 January 2027
    assert add_working_days(datetime.date(2026, 12, 31), 1) == datetime.date(2027, 1, 11)
