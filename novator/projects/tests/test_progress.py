"""The programme's progress: the roll-up maths and the measured results."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from novator.contests.models import ApplicationState
from novator.contests.tests.factories import ApplicationFactory, ContestFactory, status_kind
from novator.organizations.tests.factories import OrganizationFactory
from novator.projects import selectors
from novator.projects.progress import percent, result_fraction, weighted_mean
from novator.projects.tests.factories import ProgrammeFactory, ResultFactory, StageFactory
from novator.statuses.tests.factories import StatusAssignmentFactory

D = Decimal


# --- pure maths --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("planned", "actual", "expected"),
    [
        (D(10), D(5), D("0.5")),
        (D(10), D(10), D(1)),
        (D(10), D(25), D(1)),  # an excess is capped
        (D(10), None, D(0)),  # not measured yet
        (D(10), D(0), D(0)),
        (None, D(1), D(1)),  # no numeric plan: done once anything is achieved
        (D(0), D(3), D(1)),
        (None, None, D(0)),
        (D(0), D(0), D(0)),
    ],
)
def test_result_fraction(planned, actual, expected):
    assert result_fraction(planned, actual) == expected


def test_weighted_mean_uses_the_weights():
    assert weighted_mean([(D(3), D(1)), (D(1), D(0))]) == D("0.75")


def test_zero_weight_leaves_a_part_out():
    assert weighted_mean([(D(1), D("0.5")), (D(0), D(0))]) == D("0.5")


def test_all_weights_zero_count_equally():
    assert weighted_mean([(D(0), D(1)), (D(0), D(0))]) == D("0.5")


def test_negative_or_missing_weights_count_as_zero():
    assert weighted_mean([(D(-5), D(0)), (None, D(0)), (D(2), D(1))]) == D(1)


def test_nothing_to_average_is_none_not_zero():
    assert weighted_mean([]) is None
    assert weighted_mean([(D(1), None)]) is None


def test_parts_without_progress_are_left_out():
    assert weighted_mean([(D(1), None), (D(1), D("0.4"))]) == D("0.4")


def test_percent_rounds_half_up():
    assert percent(D("0.125")) == 13
    assert percent(D("0.124")) == 12
    assert percent(None) is None
    assert percent(D(1)) == 100


# --- nested roll-up ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_nested_roll_up_results_stages_programme():
    programme = ProgrammeFactory()
    one = StageFactory(programme=programme, number=1, academic_year="2021/22", weight=D(1))
    two = StageFactory(programme=programme, number=2, academic_year="2022/23", weight=D(3))
    StageFactory(programme=programme, number=3, academic_year="2023/24")  # no results: left out
    ResultFactory(stage=one, planned_value=D(10), actual_value=D(10), weight=D(1))  # 1.0
    ResultFactory(stage=one, planned_value=D(4), actual_value=D(1), weight=D(1))  # 0.25
    ResultFactory(stage=two, planned_value=D(2), actual_value=D(1), weight=D(2))  # 0.5
    ResultFactory(stage=two, planned_value=D(2), actual_value=None, weight=D(0))  # left out
    timeline = selectors.timeline(selectors.programme_detail(pk=programme.pk))
    assert [s.percent for s in timeline.stages] == [63, 50, None]  # (1 + .25) / 2 = .625
    # programme: (1 × .625 + 3 × .5) / 4 = .53125
    assert timeline.percent == 53


@pytest.mark.django_db
def test_a_programme_without_results_has_no_progress():
    programme = ProgrammeFactory()
    StageFactory(programme=programme)
    assert selectors.timeline(selectors.programme_detail(pk=programme.pk)).percent is None


# --- measured results ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_contest_results_count_applications_and_winners(municipality):
    contest = ContestFactory(
        organiser_municipality=municipality, academic_year="2022/23", status_kind=status_kind("MLSV")
    )
    for state, awarded in [
        (ApplicationState.ACCEPTED, True),
        (ApplicationState.ACCEPTED, True),
        (ApplicationState.ACCEPTED, False),
        (ApplicationState.REJECTED, False),
        (ApplicationState.DRAFT, False),  # never submitted: not a participant
        (ApplicationState.WITHDRAWN, False),
    ]:
        ApplicationFactory(
            contest=contest,
            organization=OrganizationFactory(municipality=municipality),
            state=state,
            awarded=awarded,
        )
    stage = StageFactory(programme=ProgrammeFactory(municipality=municipality), academic_year="2022/23")
    apps = ResultFactory(
        stage=stage,
        source="contest.applications",
        target=str(contest.pk),
        planned_value=D(8),
        actual_value=None,
    )
    wins = ResultFactory(
        stage=stage, source="contest.winners", target=str(contest.pk), planned_value=D(2), actual_value=None
    )
    timeline = selectors.timeline(selectors.programme_detail(pk=stage.programme_id))
    views = {v.result.pk: v for v in timeline.stages[0].results}
    assert views[apps.pk].actual == 4 and views[apps.pk].percent == 50
    assert views[wins.pk].actual == 2 and views[wins.pk].percent == 100
    assert views[apps.pk].measurement.label == contest.title


@pytest.mark.django_db
def test_status_results_count_awards_of_the_year_in_the_municipality(municipality, other_municipality):
    mip = status_kind("MIP")
    mine = OrganizationFactory(municipality=municipality)
    StatusAssignmentFactory(organization=mine, kind=mip, starts_on=datetime.date(2022, 9, 1))
    StatusAssignmentFactory(
        organization=OrganizationFactory(municipality=municipality),
        kind=mip,
        starts_on=datetime.date(2023, 8, 31),
    )
    StatusAssignmentFactory(organization=mine, kind=mip, starts_on=datetime.date(2023, 9, 1))  # next year
    StatusAssignmentFactory(
        organization=OrganizationFactory(municipality=other_municipality),
        kind=mip,
        starts_on=datetime.date(2022, 12, 1),
    )  # another municipality
    StatusAssignmentFactory(organization=mine, kind=status_kind("MLSV"), starts_on=datetime.date(2022, 12, 1))
    stage = StageFactory(programme=ProgrammeFactory(municipality=municipality), academic_year="2022/23")
    result = ResultFactory(
        stage=stage, source="statuses.awarded", target="MIP", planned_value=D(4), actual_value=None
    )
    view = selectors.timeline(selectors.programme_detail(pk=stage.programme_id)).stages[0].results[0]
    assert view.result == result
    assert view.actual == 2
    assert view.percent == 50


@pytest.mark.django_db
def test_a_result_whose_source_is_gone_is_unmeasured():
    result = ResultFactory(source="events.participants", target="7", actual_value=None)
    view = selectors.timeline(selectors.programme_detail(pk=result.stage.programme_id)).stages[0].results[0]
    assert view.actual is None and view.percent == 0


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 6])
def test_programme_pages_query_count_does_not_grow(
    client, municipality, django_assert_max_num_queries, count
):
    contest = ContestFactory(organiser_municipality=municipality, academic_year="2022/23")
    for _ in range(count):
        programme = ProgrammeFactory(municipality=municipality)
        for n in (1, 2):
            stage = StageFactory(programme=programme, number=n, academic_year=f"202{n}/2{n + 1}")
            ResultFactory(stage=stage)
            ResultFactory(stage=stage, source="contest.winners", target=str(contest.pk), actual_value=None)
            ResultFactory(stage=stage, source="statuses.awarded", target="MIP", actual_value=None)
    with django_assert_max_num_queries(9):
        assert client.get(reverse("projects:programme_list")).status_code == 200
    with django_assert_max_num_queries(9):
        assert client.get(programme.get_absolute_url()).status_code == 200
