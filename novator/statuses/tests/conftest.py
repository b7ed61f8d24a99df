from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from novator.statuses.tests.factories import TODAY


@pytest.fixture
def today(monkeypatch: Any) -> datetime.date:
    """Freeze «today» (the factories' traits are relative to it): 15.03.2024."""
    real = timezone.localdate

    def localdate(value: Any = None, timezone: Any = None) -> datetime.date:
        return TODAY if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)
    return TODAY


@pytest.fixture(autouse=True)
def _english() -> Any:
    """Messages are checked in English (the msgids), so the tests do not depend on the catalogues."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def client() -> Any:
    """A browser that asks for English pages."""
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="en")
