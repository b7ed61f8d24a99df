"""Runs after test_module_db.py: what its module fixture and its tests created was rolled back."""

from __future__ import annotations

import pytest

from novator.organizations.models import Region

from .test_module_db import CODE


@pytest.mark.django_db
def test_nothing_is_left_of_the_previous_module():
    assert not Region.objects.filter(code__in=[CODE, "91", "92"]).exists()
