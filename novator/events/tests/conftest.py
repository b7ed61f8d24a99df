from __future__ import annotations

import pytest

from novator.organizations.tests.factories import PersonFactory

from .factories import EventFactory


@pytest.fixture
def event(org_a):
    return EventFactory(organizers=[org_a])


@pytest.fixture
def teacher_person(teacher, org_a):
    return PersonFactory(organization=org_a, user=teacher, last_name="Иванова", first_name="Мария")


@pytest.fixture
def staff(org_a):
    return PersonFactory.create_batch(5, organization=org_a)
