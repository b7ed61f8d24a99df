"""Fixtures of the contest tests: English messages, a set-up contest organised by «Выселковский район»."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from .factories import contest_with_setup


@pytest.fixture(autouse=True)
def _english() -> Any:
    """Services speak the active language; the tests read English messages."""
    with translation.override("en"):
        yield


@pytest.fixture
def client() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def contest(municipality: Any) -> Any:
    """Announced, window open, organised by the methodologist's municipality; categories ДОУ and СОШ."""
    return contest_with_setup(organiser_municipality=municipality, announced=True)


@pytest.fixture
def draft_contest(municipality: Any) -> Any:
    return contest_with_setup(organiser_municipality=municipality)
