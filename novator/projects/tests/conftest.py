"""Fixtures of the projects tests: English messages, a frozen «today» (15.03.2024)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

TODAY = datetime.date(2024, 3, 15)


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


@pytest.fixture
def client() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def freeze(monkeypatch: Any, day: datetime.date) -> None:
    """Freeze `timezone.localdate()` (and `now()`'s date) on `day`."""
    from django.utils import timezone

    real = timezone.localdate
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))

    def localdate(value: Any = None, timezone: Any = None) -> datetime.date:
        return day if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)


@pytest.fixture
def today(monkeypatch: Any) -> datetime.date:
    freeze(monkeypatch, TODAY)
    return TODAY
