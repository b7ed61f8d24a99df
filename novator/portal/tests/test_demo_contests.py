"""The demo's status contests: stage II of the source document exactly, and an open contest to walk."""

from __future__ import annotations

import datetime
from collections import Counter
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from novator.accounts.models import User
from novator.contests import services as contest_services
from novator.contests.models import (
    Application,
    ApplicationDocument,
    ApplicationState,
    Contest,
    ContestState,
)
from novator.core.academic_year import AcademicYear
from novator.core.models import ActivityLog
from novator.expertise.conflicts import conflict_for
from novator.expertise.models import Assignment, Commission, Expert, Score, ScoreSheet
from novator.expertise.ranking import contest_ranking
from novator.organizations.models import Organization, OrganizationKind
from novator.portal.demo.loader import STEPS
from novator.portal.tests.snapshot import demo_command_from_snapshot
from novator.statuses.models import StatusAssignment

pytestmark = pytest.mark.django_db

PRESCHOOL, SCHOOL = OrganizationKind.PRESCHOOL, OrganizationKind.SCHOOL

#: status code → (applications by kind, winners by kind, experts per application, quotas by kind)
STAGE_II = {
    "MLSV": ({PRESCHOOL: 5, SCHOOL: 4}, {PRESCHOOL: 3, SCHOOL: 2}, 3, {PRESCHOOL: 3, SCHOOL: 2}),
    "MIP": ({PRESCHOOL: 3, SCHOOL: 4}, {PRESCHOOL: 1, SCHOOL: 2}, 2, {PRESCHOOL: 1, SCHOOL: 2}),
}
TITLES = {
    "MLSV": "Муниципальный конкурс на статус муниципального лидера сетевого взаимодействия",
    "MIP": "Муниципальный конкурс на статус муниципальной инновационной площадки",
}


def _load() -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def first_load(module_db, django_db_blocker):
    """The demo, loaded once for this module inside a transaction rolled back at its end (`module_db`); each
    test runs in its own savepoint on top of it (pytest-django's `db`), so what a test changes is undone."""
    with django_db_blocker.unblock(), demo_command_from_snapshot():
        return _load()


@pytest.fixture
def demo(first_load, db):
    return first_load


def _contest(code: str, year: str = "2022/23") -> Contest:
    return Contest.objects.select_related("status_kind", "commission").get(
        status_kind__code=code, academic_year=year
    )


def _open_year() -> str:
    return str(AcademicYear.of(timezone.localdate()))


@pytest.mark.parametrize("code", list(STAGE_II))
def test_stage_two_contests_have_the_participants_and_winners_of_the_source_document(demo, code):
    participants, winners, k, quotas = STAGE_II[code]
    contest = _contest(code)
    assert contest.title == TITLES[code]
    assert contest.is_demo
    assert contest.state == ContestState.PUBLISHED
    assert contest.organiser_municipality.name == "Выселковский район"
    applications = list(contest.applications.select_related("organization", "category"))
    assert all(a.is_demo and a.state == ApplicationState.ACCEPTED for a in applications)
    assert Counter(a.organization.kind for a in applications) == participants
    assert Counter(a.organization.kind for a in applications if a.awarded) == winners
    # every organisation of the district, one application each, in the category of its kind
    assert len({a.organization_id for a in applications}) == len(applications)
    assert all(a.organization.municipality_id == contest.organiser_municipality_id for a in applications)
    assert all(a.organization.kind in a.category.organization_kinds for a in applications)
    assert {c.organization_kinds[0]: c.quota for c in contest.categories.all()} == quotas
    assert contest.experts_per_application == k
    # the default set-up: seven criteria of 0–3, pass at 60 %
    criteria = list(contest.criteria.all())
    assert len(criteria) == 7 and all(c.max_points == 3 and c.weight == 1 for c in criteria)
    assert contest.threshold_points == Decimal("12.60")
    assert contest.sections.count() == 8
    # the texts of the application are filled and the required documents are real PDFs
    for application in applications:
        assert len(application.project_title) > 30
        assert all(len(application.texts[s.key]) >= 40 for s in contest.sections.all())
    documents = ApplicationDocument.objects.filter(application__contest=contest)
    required = contest.required_documents.filter(required=True).count()
    assert documents.count() == required * len(applications)
    document = documents.first()
    assert document is not None
    with document.file.open("rb") as handle:
        content = handle.read()
    assert content.startswith(b"%PDF-1.4") and content.rstrip().endswith(b"%%EOF")


@pytest.mark.parametrize("code", list(STAGE_II))
def test_the_historic_dates_are_those_of_autumn_2022(demo, code):
    contest = _contest(code)
    moscow = timezone.get_default_timezone()
    assert contest.opens_at.astimezone(moscow).date() >= datetime.date(2022, 10, 1)
    assert contest.closes_at.astimezone(moscow).date() <= datetime.date(2022, 11, 30)
    for application in contest.applications.all():
        assert application.submitted_at is not None
        assert contest.opens_at <= application.submitted_at < contest.closes_at
    commission = contest.commission
    assert commission.minutes_number and commission.minutes_date.year == 2022
    assert commission.results_confirmed_at is not None and commission.results_confirmed_at.year == 2022
    assert (contest.order_date, contest.order_number[:3]) == (datetime.date(2022, 12, 15), "128")
    assert contest.results_published_at is not None
    assert contest.results_published_at.astimezone(moscow).date() == datetime.date(2022, 12, 16)


def test_the_register_holds_5_mlsv_and_3_mip_statuses_of_2022_for_three_years(demo, client):
    # (stage III adds the inter-municipal contest's МИП of 2023 and the ИМЦ's КИП: test_demo_region.py)
    statuses = list(
        StatusAssignment.objects.filter(starts_on__year=2022).select_related("kind", "organization")
    )
    assert Counter(s.kind.code for s in statuses) == {"MLSV": 5, "MIP": 3}
    for status in statuses:
        assert status.is_demo
        assert status.starts_on == datetime.date(2022, 12, 15)
        assert status.ends_on == datetime.date(2025, 12, 14)  # three years
        assert status.order_date == datetime.date(2022, 12, 15) and status.order_number
        assert status.project_title
    awarded = Application.objects.filter(
        awarded=True, contest__kind="status", contest__academic_year="2022/23"
    )
    assert {(a.organization_id, a.contest.status_kind.code) for a in awarded.select_related("contest")} == {
        (s.organization_id, s.kind.code) for s in statuses
    }
    assert all(a.status_assignment_id for a in awarded)
    # the public register lists them
    page = client.get("/statuses/?kind=MLSV").content.decode()
    mlsv = [s for s in statuses if s.kind.code == "MLSV"]
    assert all(s.organization.short_name in page for s in mlsv)


@pytest.mark.parametrize("code", list(STAGE_II))
def test_every_award_is_above_the_threshold_within_the_quota_and_the_ranks_agree(demo, code):
    contest = _contest(code)
    threshold = contest.threshold_points
    ranking = contest_ranking(contest)
    assert ranking.pending == 0 and not ranking.without_sheets
    for category in ranking.categories:
        rows = category.rows
        totals = [r.result.total for r in rows]
        assert totals == sorted(totals, reverse=True) and len(set(totals)) == len(totals)
        for position, row in enumerate(rows, start=1):
            application = row.application
            # the stored outcome is the ranking's, as the chair confirmed it without overrides
            assert (application.total, application.rank) == (row.result.total, position)
            assert application.awarded is row.result.proposed
            assert not application.decision_note
            if application.awarded:
                assert application.total >= threshold
        awarded = [r.application for r in rows if r.application.awarded]
        assert awarded == [r.application for r in rows[: len(awarded)]]
        assert len(awarded) == category.quota


@pytest.mark.parametrize("code", list(STAGE_II))
def test_the_commission_scored_every_application_without_conflicts(demo, code):
    contest = _contest(code)
    commission = Commission.objects.select_related("chair__user", "secretary").get(contest=contest)
    assert commission.chair.user.username == "chair"
    assert commission.secretary.username == "methodist"
    members = list(commission.members.select_related("expert__user", "expert__organization__municipality"))
    scoring = [m for m in members if m.expert_id != commission.chair_id]
    assert 3 <= len(scoring) <= 4
    assert "expert" in {m.expert.user.username for m in scoring}
    assert len({m.expert.organization.municipality.name for m in scoring}) >= 2  # inter-municipal
    assert commission.assignments_published_at is not None
    k = contest.experts_per_application
    for application in contest.applications.select_related("contest", "organization"):
        assignments = list(Assignment.objects.filter(application=application).select_related("expert"))
        assert len(assignments) == k
        assert all(conflict_for(expert=a.expert, application=application) is None for a in assignments)
    loads = Counter(
        Assignment.objects.filter(application__contest=contest).values_list("expert_id", flat=True)
    )
    assert max(loads.values()) - min(loads.values()) <= 1  # balanced
    sheets = ScoreSheet.objects.filter(assignment__application__contest=contest)
    assert sheets.count() == k * contest.applications.count()
    assert all(s.state == ScoreSheet.State.SUBMITTED and len(s.conclusion) > 50 for s in sheets)
    scores = Score.objects.filter(sheet__in=sheets).select_related("criterion")
    assert scores.count() == sheets.count() * 7
    for score in scores:
        assert Decimal(0) <= score.points <= score.criterion.max_points
        if score.points < score.criterion.max_points:
            assert score.comment  # the contest asks for a comment below the maximum


def test_the_open_contest_accepts_applications_now(demo, client):
    contest = _contest("MIP", _open_year())
    assert contest.is_demo and contest.state == ContestState.ANNOUNCED
    assert contest.is_open()
    assert contest.closes_at - timezone.now() > datetime.timedelta(days=55)
    assert not contest.applications.exists()
    assert contest.criteria.count() == 7 and contest.required_documents.exists()
    assert {c.organization_kinds[0] for c in contest.categories.all()} == {PRESCHOOL, SCHOOL}
    commission = contest.commission
    assert commission.chair is not None
    assert commission.members.count() == 5  # the chair and four experts
    assert commission.assignments_published_at is None

    # the demo coordinator sees the call and can start an application of their school
    coordinator = User.objects.get(username="coordinator")
    assert client.login(username="coordinator", password="novator-demo")
    page = client.get(contest.get_absolute_url()).content.decode()
    assert f"/contests/{contest.pk}/apply/" in page
    school = Organization.objects.get(short_name="МБОУ СОШ № 1 им. А.С. Пушкина ст. Выселки")
    application = contest_services.application_create(
        actor=coordinator,
        contest=contest,
        organization=school,
        data={"project_title": "Проект", "category": contest.categories.get(organization_kinds=[SCHOOL])},
    )
    assert application.state == ApplicationState.DRAFT


def test_the_experts_log_in_and_have_profiles(demo, client):
    experts = Expert.objects.select_related("user", "organization")
    usernames = {e.user.username for e in experts}
    assert {"chair", "expert", "expert2", "expert3", "expert4"} <= usernames
    for expert in experts:
        assert (
            expert.organization is not None and expert.municipality_id == expert.organization.municipality_id
        )
        assert expert.topics and expert.bio
    assert client.login(username="expert2", password="novator-demo")
    assert User.objects.get(username="chair").person.full_name == "Белоусова Анна Геннадьевна"


def test_the_summary_says_what_was_created(demo):
    out = demo
    # stage II and the open contest, then the inter-municipal contest of 2023/24 and the ИМЦ's КИП (region.py)
    assert "created 4 contests, 23 applications, 55 scoring sheets, 12 statuses in the register" in out
    assert "(4 expert accounts, 5 expert profiles)" in out


def _counts() -> dict[str, int]:
    return {
        "contests": Contest.objects.filter(kind="status").count(),  # professional.py adds 2 more
        "applications": Application.objects.count(),
        "documents": ApplicationDocument.objects.count(),
        "assignments": Assignment.objects.count(),
        "sheets": ScoreSheet.objects.count(),
        "scores": Score.objects.count(),
        "statuses": StatusAssignment.objects.count(),
        "experts": Expert.objects.count(),
        "users": User.objects.count(),
        "log": ActivityLog.objects.count(),
    }


def test_a_second_load_creates_nothing_in_a_bounded_number_of_queries(demo, django_assert_max_num_queries):
    before = _counts()
    assert before["contests"] == 4 and before["statuses"] == 12
    with django_assert_max_num_queries(2 * len(STEPS)):
        out = _load()
    assert "Demo data already loaded" in out
    assert _counts() == before


def test_a_contest_an_operator_deleted_comes_back_and_nothing_else_is_duplicated(demo):
    open_contest = _contest("MIP", _open_year())
    open_contest.commission.members.all().delete()
    open_contest.commission.delete()
    open_contest.delete()
    before = _counts()

    out = _load()

    assert "created 1 contests, 0 applications, 0 scoring sheets, 0 statuses" in out
    after = _counts()
    assert after["contests"] == before["contests"] + 1
    assert {k: v for k, v in after.items() if k not in ("contests", "log")} == {
        k: v for k, v in before.items() if k not in ("contests", "log")
    }
