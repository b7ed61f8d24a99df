from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest

from novator.events.models import Certificate, Event, Material, Registration, Talk
from novator.portal.demo.events import CONFERENCE_TITLE, load_events
from novator.portal.demo.loader import DemoContext
from novator.portal.tests.snapshot import load_demo_once


@pytest.fixture(scope="module")
def loaded(module_db, django_db_blocker):
    """The demo, loaded once for this module; rolled back at the module's end."""
    with django_db_blocker.unblock():
        return load_demo_once()


@pytest.fixture
def ctx(loaded, db):
    """The demo's context for one test, in a savepoint of its own."""
    return replace(loaded, created=Counter(loaded.created))


def test_demo_events_are_idempotent(ctx):
    load_events(ctx)
    conference = Event.objects.get(title=CONFERENCE_TITLE)
    assert conference.sections.count() == 3
    assert Talk.objects.filter(section__event=conference).count() == 6
    assert Talk.objects.filter(section__event=conference, accepted=True).count() == 6
    assert conference.proceedings.abstracts == 6 and conference.proceedings.pdf
    assert conference.materials.filter(is_public=True).count() == 1
    assert conference.materials.filter(is_public=False, talk__isnull=False).count() == 1
    assert Registration.objects.filter(event=conference, attended_at__isnull=False).count() >= 5
    assert Certificate.objects.filter(event=conference, role="speaker").exists()
    counts = (Event.objects.count(), Registration.objects.count(), Certificate.objects.count())
    assert counts[0] == 3
    load_events(DemoContext(log=lambda _msg: None, **_same(ctx)))
    assert (Event.objects.count(), Registration.objects.count(), Certificate.objects.count()) == counts
    assert Material.objects.count() == 2


def _same(ctx):
    return {"organizations": ctx.organizations, "people": ctx.people}


def test_demo_networks_of_mlsv_holders(ctx):
    from novator.networks.models import Network, PlanItem
    from novator.statuses.models import StatusAssignment

    load_events(ctx)
    holders = StatusAssignment.objects.filter(
        kind__code="MLSV", organization__in=list(ctx.organizations.values())
    )
    leaders = set(holders.values_list("organization_id", flat=True))
    assert set(Network.objects.values_list("leader_id", flat=True)) == leaders
    if leaders:
        assert PlanItem.objects.filter(academic_year=2023).count() == 4 * len(leaders)
    load_events(ctx)
    assert Network.objects.count() == len(leaders)
