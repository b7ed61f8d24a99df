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
