from __future__ import annotations

import pytest

from novator.monitoring.models import IndicatorValue, Level, MonitoringYear
from novator.portal.demo.loader import STEPS, DemoContext
from novator.portal.demo.monitoring import YEARS, load_monitoring

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctx():
    context = DemoContext(log=lambda message: None)
    for step in STEPS:
        step(context)
    if load_monitoring not in STEPS:
        load_monitoring(context)
    return context


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
    assert derived.filter(element__code="statuses_held").exists()


def test_a_second_run_creates_nothing(ctx, django_assert_max_num_queries):
    before = IndicatorValue.objects.count()
    ctx.created.clear()
    with django_assert_max_num_queries(1):
        load_monitoring(ctx)
    assert not ctx.created
    assert IndicatorValue.objects.count() == before
