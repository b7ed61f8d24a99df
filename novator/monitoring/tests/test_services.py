from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from novator.core.models import ActivityLog, Job
from novator.monitoring import services
from novator.monitoring.models import DataValue, IndexWeightChange, IndicatorValue, Level, MonitoringYear
from novator.monitoring.tasks import recompute_task
from novator.organizations.tests.factories import OrganizationFactory
from novator.statuses.tests.factories import StatusAssignmentFactory

from .factories import catalogue, record

pytestmark = pytest.mark.django_db

Y = "2023/24"


def _index(org, year=Y):
    return IndicatorValue.objects.get(
        indicator__code="index", level=Level.ORGANIZATION, organization=org, academic_year=year
    )


def test_collected_values_are_checked_by_their_rules_and_nothing_is_saved_on_error(org_a):
    catalogue()
    with pytest.raises(ValidationError) as error:
        services.data_values_record(
            actor=None,
            organization=org_a,
            academic_year=Y,
            values={"teachers": Decimal(10), "teachers_involved": Decimal(12), "partners": Decimal("1.5")},
        )
    assert set(error.value.message_dict) == {"teachers_involved", "partners"}
    assert not DataValue.objects.exists()
    with pytest.raises(ValidationError):
        services.data_values_record(
            actor=None, organization=org_a, academic_year=Y, values={"teachers": Decimal(0)}
        )
    with pytest.raises(ValidationError):
        services.data_values_record(
            actor=None, organization=org_a, academic_year=Y, values={"statuses_held": Decimal(1)}
        )


def test_lowering_the_bound_below_a_held_value_is_refused(org_a):
    catalogue()
    record(org_a, Y, 20, 10, 1)
    with pytest.raises(ValidationError) as error:
        services.data_values_record(
            actor=None, organization=org_a, academic_year=Y, values={"teachers": Decimal(5)}
        )
    assert "teachers_involved" in error.value.message_dict
    assert DataValue.objects.get(element__code="teachers", organization=org_a).value == 20


def test_only_the_methodological_centre_changes_values(org_a, coordinator):
    catalogue()
    with pytest.raises(PermissionDenied):
        services.data_values_record(
            actor=coordinator, organization=org_a, academic_year=Y, values={"teachers": Decimal(5)}
        )


def test_an_indicator_refuses_unknown_codes_and_unsafe_formulas():
    catalogue()
    with pytest.raises(ValidationError):
        services.indicator_create(actor=None, code="x", name="X", numerator="nothing_like_this")
    with pytest.raises(ValidationError):
        services.indicator_create(actor=None, code="y", name="Y", numerator="__import__('os')")
    with pytest.raises(ValidationError):
        services.indicator_create(actor=None, code="index", name="Y", numerator="partners")


def test_weights_are_versioned_with_history_and_checked():
    catalogue()
    with pytest.raises(ValidationError):
        services.index_weights_change(actor=None, weights={"partners": {"weight": 1, "lower": 5, "upper": 5}})
    with pytest.raises(ValidationError):
        services.index_weights_change(actor=None, weights={"unknown": {"weight": 1, "lower": 0, "upper": 5}})
    services.index_weights_change(
        actor=None, weights={"partners": {"weight": 2, "lower": 0, "upper": 20}}, note="n"
    )
    assert IndexWeightChange.objects.count() == 2
    assert IndexWeightChange.objects.first().weights["partners"]["weight"] == 2
    assert ActivityLog.objects.filter(action="monitoring.weights_changed").count() == 2


def test_recompute_computes_indicators_index_ranks_and_median_roll_ups(municipality):
    catalogue()
    a, b, c = (OrganizationFactory(municipality=municipality) for _ in range(3))
    record(a, Y, 10, 10, 10)  # share 100, partners 10 → index 100
    record(b, Y, 10, 5, 5)  # 50
    record(c, Y, 10, 0, 0)  # 0
    StatusAssignmentFactory(organization=a, starts_on=datetime.date(2023, 1, 1))
    services.values_recompute(actor=None, academic_year=Y)
    assert [_index(o).value for o in (a, b, c)] == [100, 50, 0]
    assert [_index(o).rank for o in (a, b, c)] == [1, 2, 3]
    share = IndicatorValue.objects.get(
        indicator__code="involved_share", organization=b, level=Level.ORGANIZATION
    )
    assert share.value == 50
    m = IndicatorValue.objects.get(
        indicator__code="index", level=Level.MUNICIPALITY, municipality=municipality
    )
    assert m.value == 50 and m.rank == 1
    r = IndicatorValue.objects.get(indicator__code="index", level=Level.REGION)
    assert r.value == 50 and r.region_id == municipality.region_id
    assert DataValue.objects.get(element__code="statuses_held", organization=a).value == 1
    assert DataValue.objects.get(element__code="statuses_held", organization=b).value == 0
    # running again replaces, never duplicates
    count = IndicatorValue.objects.count()
    services.values_recompute(actor=None, academic_year=Y)
    assert IndicatorValue.objects.count() == count


def test_division_by_zero_gives_no_value_but_the_rest_computes(municipality):
    catalogue()
    org = OrganizationFactory(municipality=municipality)
    services.data_values_record(
        actor=None, organization=org, academic_year=Y, values={"partners": Decimal(5)}
    )
    services.values_recompute(actor=None, academic_year=Y)
    assert not IndicatorValue.objects.filter(indicator__code="involved_share", organization=org).exists()
    assert _index(org).value == 50  # partners only: half the weight, 5 of 10


def test_adding_an_organisation_does_not_change_the_others_index(municipality):
    catalogue()
    a, b = OrganizationFactory(municipality=municipality), OrganizationFactory(municipality=municipality)
    record(a, Y, 10, 4, 3)
    record(b, Y, 10, 8, 6)
    services.values_recompute(actor=None, academic_year=Y)
    before = {o.pk: _index(o).value for o in (a, b)}
    newcomer = OrganizationFactory(municipality=municipality)
    record(newcomer, Y, 10, 10, 50)
    services.values_recompute(actor=None, academic_year=Y)
    assert {o.pk: _index(o).value for o in (a, b)} == before


def test_publishing_needs_a_computed_year(admin_user):
    catalogue()
    with pytest.raises(ValidationError):
        services.year_publish(actor=admin_user, academic_year=Y)
    services.values_recompute(actor=None, academic_year=Y)
    assert services.year_publish(actor=admin_user, academic_year=Y).published


def test_region_wide_settings_are_refused_to_a_municipality_methodologist(methodologist, org_a):
    """Publication, weights, the catalogue and the recomputation belong to the region: a district's
    methodologist changes none of them (issue #20), whatever the page lets through."""
    catalogue()
    services.values_recompute(actor=None, academic_year=Y)
    services.year_publish(actor=None, academic_year=Y)
    weights = IndexWeightChange.objects.count()
    calls = [
        lambda: services.year_publish(actor=methodologist, academic_year=Y, published=False),
        lambda: services.index_weights_change(
            actor=methodologist, weights={"partners": {"weight": 1, "lower": 0, "upper": 5}}
        ),
        lambda: services.indicator_create(
            actor=methodologist, code="newcomers", name="Новые", numerator="partners"
        ),
        lambda: services.data_element_create(
            actor=methodologist, code="rooms", name="Кабинеты", source="collected"
        ),
        lambda: services.recompute_enqueue(actor=methodologist, academic_year=Y),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert MonitoringYear.objects.get(academic_year=Y).published
    assert IndexWeightChange.objects.count() == weights
    assert not Job.objects.exists()


def test_a_methodologist_records_values_of_their_own_municipality_only(methodologist, org_a, org_b):
    catalogue()
    services.data_values_record(
        actor=methodologist, organization=org_a, academic_year=Y, values={"teachers": Decimal(5)}
    )
    with pytest.raises(PermissionDenied):
        services.data_values_record(
            actor=methodologist, organization=org_b, academic_year=Y, values={"teachers": Decimal(5)}
        )
    assert not DataValue.objects.filter(organization=org_b).exists()


def test_the_recompute_task_reports_progress_on_its_job(
    municipality, admin_user, django_capture_on_commit_callbacks
):
    catalogue()
    record(OrganizationFactory(municipality=municipality), Y, 10, 5, 5)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.recompute_enqueue(actor=admin_user, academic_year=Y)
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED
    assert job.done == job.total > 0
    assert MonitoringYear.objects.get(academic_year=Y).computed_at is not None
    # and it can run again without duplicating anything
    count = IndicatorValue.objects.count()
    recompute_task.enqueue(Y, str(job.pk))
    assert IndicatorValue.objects.count() == count


def test_the_management_command_recomputes_a_year(municipality):
    from django.core.management import call_command

    catalogue()
    record(OrganizationFactory(municipality=municipality), Y, 10, 5, 5)
    call_command("recompute_monitoring", "--year", Y)
    assert IndicatorValue.objects.filter(academic_year=Y, indicator__code="index").exists()


def test_the_nightly_run_recomputes_the_current_and_the_unpublished_years_only(municipality, monkeypatch):
    from django.core.management import CommandError, call_command

    from novator.monitoring.management.commands import recompute_monitoring

    catalogue()
    org = OrganizationFactory(municipality=municipality)
    for year in ("2021/22", "2022/23", Y):
        record(org, year, 10, 5, 5)
        services.values_recompute(actor=None, academic_year=year)
    services.year_publish(actor=None, academic_year="2021/22")
    # "today" is in 2023/24
    monkeypatch.setattr(recompute_monitoring.timezone, "localdate", lambda: datetime.date(2024, 3, 1))
    assert recompute_monitoring.nightly_years() == ["2022/23", Y]
    before = dict(MonitoringYear.objects.values_list("academic_year", "computed_at"))
    call_command("recompute_monitoring", "--nightly")
    after = dict(MonitoringYear.objects.values_list("academic_year", "computed_at"))
    assert after["2021/22"] == before["2021/22"]  # published: left as published
    assert after["2022/23"] > before["2022/23"] and after[Y] > before[Y]
    # as background jobs
    call_command("recompute_monitoring", "--nightly", "--enqueue")
    assert Job.objects.filter(kind="monitoring.recompute").count() == 2
    with pytest.raises(CommandError):
        call_command("recompute_monitoring", "--year", "2024")


def test_a_waiting_recomputation_of_the_year_is_reused(admin_user):
    first = services.recompute_enqueue(actor=admin_user, academic_year=Y)
    assert services.recompute_enqueue(actor=admin_user, academic_year=Y) == first
    assert services.recompute_enqueue(actor=admin_user, academic_year="2022/23") != first
    Job.objects.filter(pk=first.pk).update(state=Job.State.RUNNING)
    assert services.recompute_enqueue(actor=admin_user, academic_year=Y) != first
