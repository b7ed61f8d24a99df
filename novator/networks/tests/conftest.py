from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _english() -> Any:
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def client() -> Any:
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="en")
