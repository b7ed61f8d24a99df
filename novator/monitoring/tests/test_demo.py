from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest

from novator.monitoring.models import IndicatorValue, Level, MonitoringYear
from novator.portal.demo.monitoring import YEARS, load_monitoring
from novator.portal.tests.snapshot import load_demo_once

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def loaded(module_db, django_db_blocker):
    """The demo, loaded once for this module; rolled back at the module's end."""
    with django_db_blocker.unblock():
        return load_demo_once()


@pytest.fixture
def ctx(loaded, db):
    """The demo's context for one test (its own count of what was created), in a savepoint of its own."""
    return replace(loaded, created=Counter(loaded.created))


def test_three_published_years_in_which_the_districts_potential_grows(ctx):
    assert set(MonitoringYear.objects.filter(published=True).values_list("academic_year", flat=True)) == set(
        YEARS
    )
    vyselki = ctx.municipalities["vyselki"]
    medians = [
        IndicatorValue.objects.get(
            indicator__code="index", level=Level.MUNICIPALITY, municipality=vyselki, academic_year=year
        ).value
        for year in YEARS
    ]
    assert medians[0] < medians[1] < medians[2]


def test_the_other_demo_data_show_up_as_derived_values(ctx):
    from novator.monitoring.models import DataValue

    derived = DataValue.objects.filter(source="derived", value__gt=0)
    shown = {(code, year) for code, year in derived.values_list("element__code", "academic_year")}
    codes = {code for code, _year in shown}
    # statuses, contests, products and their adoptions, the 2022 conference and the networks
    assert {
        "statuses_held",
        "status_years",
        "products_authored",
        "events_organised",
        "events_attended",
    } <= codes
    assert ("events_organised_municipal", "2021/22") in shown
    assert ("network_partners", "2023/24") in shown and ("network_memberships", "2023/24") in shown


def test_a_second_run_creates_nothing(ctx, django_assert_max_num_queries):
    before = IndicatorValue.objects.count()
    ctx.created.clear()
    with django_assert_max_num_queries(2):
        load_monitoring(ctx)
    assert not ctx.created
    assert IndicatorValue.objects.count() == before


def test_the_demo_campaign_has_forms_in_every_state(ctx):
    from novator.monitoring.models import CampaignResponse, ResponseState

    states = set(CampaignResponse.objects.values_list("state", flat=True))
    assert states == set(ResponseState.values)
