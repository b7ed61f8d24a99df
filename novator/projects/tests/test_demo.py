"""The demo step `novator.portal.demo.projects.load_projects`: what it creates, idempotence, and the link
to the contests of stage II when they exist (and graceful skipping when they do not)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from novator.contests.models import ApplicationState
from novator.contests.tests.factories import ApplicationFactory, ContestFactory, status_kind
from novator.organizations.tests.factories import OrganizationFactory
from novator.portal.demo import loader
from novator.portal.demo.projects import PROGRAMME_TITLE, load_projects
from novator.projects import selectors
from novator.projects.models import (
    InnovationProject,
    Programme,
    ProgrammeResult,
    ProjectReport,
    ReportState,
    RoadmapMark,
    SurveyRun,
)
from novator.statuses.tests.factories import StatusAssignmentFactory

pytestmark = pytest.mark.django_db
D = datetime.date
BASE = [
    loader.load_region,
    loader.load_municipalities,
    loader.load_organizations,
    loader.load_staff,
    loader.load_accounts,
]


def run_demo():
    ctx = loader.DemoContext(log=lambda message: None)
    for step in BASE:
        step(ctx)
    load_projects(ctx)
    return ctx


def counts():
    return (
        Programme.objects.count(),
        ProgrammeResult.objects.count(),
        InnovationProject.objects.count(),
        ProjectReport.objects.count(),
        SurveyRun.objects.count(),
        RoadmapMark.objects.count(),
    )


def test_without_contests_the_programme_has_the_source_documents_figures_typed_in(today):
    ctx = run_demo()
    programme = Programme.objects.get(title=PROGRAMME_TITLE)
    timeline = selectors.timeline(selectors.programme_detail(pk=programme.pk))
    assert [(s.stage.roman, s.stage.academic_year) for s in timeline.stages] == [
        ("I", "2021/22"),
        ("II", "2022/23"),
        ("III", "2023/24"),
    ]
    stage_ii = timeline.stages[1]
    assert [(r.result.source, r.actual) for r in stage_ii.results] == [("", Decimal(n)) for n in (9, 5, 7, 3)]
    assert "конференция" in timeline.stages[0].results[0].result.title.lower()
    assert timeline.percent == 100
    assert ctx.created["projects"] == 0  # no holders without the contests: skipped
    assert ctx.created["surveys"] == 4 and ctx.created["roadmap marks"] == 4


def test_a_second_run_creates_nothing(today):
    run_demo()
    before = counts()
    ctx = run_demo()
    assert counts() == before and not ctx.created


def _stage_ii(municipality):
    organizations = [OrganizationFactory(municipality=municipality) for _ in range(10)]
    for code, total, winners in (("MLSV", 9, 5), ("MIP", 7, 3)):
        contest = ContestFactory(
            organiser_municipality=municipality, academic_year="2022/23", status_kind=status_kind(code)
        )
        for i in range(total):
            ApplicationFactory(
                contest=contest,
                organization=organizations[i],
                state=ApplicationState.ACCEPTED,
                awarded=i < winners,
            )


def test_with_the_contests_results_are_counted_and_holders_get_projects(today):
    ctx = run_demo()  # first without the contests: typed in
    vyselki = ctx.municipalities["vyselki"]
    _stage_ii(vyselki)
    for key, code in (("vyselki-school-1", "MLSV"), ("vyselki-school-12", "MIP"), ("vyselki-dou-5", "MLSV")):
        StatusAssignmentFactory(
            organization=ctx.organizations[key], kind=status_kind(code), starts_on=D(2022, 12, 15)
        )
    ctx = run_demo()
    programme = Programme.objects.get(title=PROGRAMME_TITLE)
    stage_ii = selectors.timeline(selectors.programme_detail(pk=programme.pk)).stages[1]
    assert [(r.result.source, r.actual) for r in stage_ii.results] == [
        ("contest.applications", 9),
        ("contest.winners", 5),
        ("contest.applications", 7),
        ("contest.winners", 3),
    ]
    assert ctx.created["projects"] == 3
    states = {
        r.project.organization.pk: (r.state, r.is_overdue_on(today))
        for r in ProjectReport.objects.filter(academic_year="2022/23").select_related("project")
    }
    assert states[ctx.organizations["vyselki-school-1"].pk] == (ReportState.RETURNED, False)
    assert states[ctx.organizations["vyselki-school-12"].pk] == (ReportState.DRAFT, True)
    assert states[ctx.organizations["vyselki-dou-5"].pk] == (ReportState.ACCEPTED, False)
    assert all(p.is_approved for p in InnovationProject.objects.all())
    before = counts()
    run_demo()
    assert counts() == before


def test_surveys_two_organisations_shown_one_hidden(today):
    ctx = run_demo()
    scores = selectors.readiness_scores(academic_year="2023/24")
    assert set(scores) == {ctx.organizations["vyselki-school-1"].pk, ctx.organizations["vyselki-dou-5"].pk}
    assert selectors.readiness_scores(academic_year="2022/23").keys() == {
        ctx.organizations["vyselki-school-1"].pk
    }
