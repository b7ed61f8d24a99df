"""The demo across districts: the conference's guests from the neighbouring districts and a network with a
partner across the border (the agreement accepted), loaded once and idempotent."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest

from novator.events.models import Certificate, Registration
from novator.networks.models import Partnership, PartnerState
from novator.networks.report import by_municipality
from novator.portal.demo.events import CONFERENCE_TITLE
from novator.portal.demo.xborder import NEIGHBOURS, load_cross_border
from novator.portal.tests.snapshot import load_demo_once


@pytest.fixture(scope="module")
def loaded(module_db, django_db_blocker):
    with django_db_blocker.unblock():
        return load_demo_once()


@pytest.fixture
def ctx(loaded, db):
    return replace(loaded, created=Counter(loaded.created))


def test_the_conference_has_guests_from_the_neighbouring_districts(ctx):
    guests = Registration.objects.filter(
        event__title=CONFERENCE_TITLE,
        attended_at__isnull=False,
        person__organization__municipality__oktmo__in=NEIGHBOURS,
    )
    assert guests.values("person__organization__municipality").distinct().count() == 2
    assert (
        Certificate.objects.filter(event__title=CONFERENCE_TITLE, person__in=guests.values("person")).count()
        == guests.count()
    )


def test_a_network_takes_a_partner_across_the_border(ctx):
    partnership = Partnership.objects.select_related("network__leader__municipality", "agreement").get(
        network__is_demo=True, organization__municipality__oktmo__in=NEIGHBOURS
    )
    network = partnership.network
    assert partnership.state == PartnerState.CONFIRMED and partnership.agreement is not None
    assert partnership.organization.municipality_id != network.leader.municipality_id
    rows = by_municipality(network, 2023)
    assert len(rows) >= 2 and sum(r["partners_confirmed"] for r in rows) >= 1


def test_a_second_run_creates_nothing(ctx, django_assert_max_num_queries):
    before = (Registration.objects.count(), Partnership.objects.count(), Certificate.objects.count())
    counted = Counter(ctx.created)
    with django_assert_max_num_queries(2):
        load_cross_border(ctx)
    assert ctx.created == counted
    assert (Registration.objects.count(), Partnership.objects.count(), Certificate.objects.count()) == before
