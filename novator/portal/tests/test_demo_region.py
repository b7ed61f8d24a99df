"""The demo's stage III: the regional methodologist, the Tikhoretsk methodologist, the inter-municipal
contest of 2023/24 with its joint commission, and the ИМЦ's КИП awarded by the region."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from novator.accounts.models import Role, User
from novator.accounts.scope import get_scope
from novator.contests.models import Contest, ContestLevel, ContestState
from novator.expertise.models import Assignment
from novator.portal.tests.snapshot import demo_command_from_snapshot
from novator.statuses.models import StatusAssignment

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def first_load(module_db, django_db_blocker):
    out = StringIO()
    with django_db_blocker.unblock(), demo_command_from_snapshot(), translation.override("en"):
        call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(first_load, db):
    return first_load


def _contest() -> Contest:
    return Contest.objects.get(level=ContestLevel.INTERMUNICIPAL, academic_year="2023/24")


def test_the_regional_and_the_tikhoretsk_accounts(demo, client):
    regional = User.objects.get(username="regional")
    (assignment,) = regional.role_assignments.all()
    assert (assignment.role, str(assignment.region)) == (Role.REGIONAL_METHODOLOGIST, "Краснодарский край")
    methodist2 = User.objects.get(username="methodist2")
    (assignment,) = methodist2.role_assignments.all()
    assert (assignment.role, str(assignment.municipality)) == (Role.METHODOLOGIST, "Тихорецкий район")
    for username in ("regional", "methodist2"):
        assert client.login(username=username, password="novator-demo")
    assert get_scope(regional).primary_role() == Role.REGIONAL_METHODOLOGIST


def test_the_intermunicipal_contest_is_published_with_winners_of_several_districts(demo):
    contest = _contest()
    assert contest.state == ContestState.PUBLISHED and contest.is_demo
    assert [m.name for m in contest.organisers()] == [
        "Выселковский район",
        "Кореновский район",
        "Тихорецкий район",
    ]
    applications = list(contest.applications.select_related("organization__municipality"))
    assert len({a.organization.municipality.name for a in applications}) == 3
    winners = {a.organization.municipality.name for a in applications if a.awarded}
    assert len(winners) > 1
    assert contest.order_number and contest.order_date == datetime.date(2023, 12, 14)


def test_the_joint_commission_scores_only_other_districts(demo):
    contest = _contest()
    assignments = Assignment.objects.filter(application__contest=contest).select_related(
        "expert", "application__organization"
    )
    assert assignments.count() == 2 * contest.applications.count()
    assert all(a.expert.municipality_id != a.application.organization.municipality_id for a in assignments)
    members = contest.commission.members.select_related("expert__municipality")
    assert {m.expert.municipality.name for m in members} == {
        "Выселковский район",
        "Тихорецкий район",
        "Кореновский район",
    }


def test_the_coorganiser_checks_its_own_and_sees_the_others(demo):
    contest = _contest()
    methodist2 = User.objects.get(username="methodist2")
    assert methodist2.has_perm("contests.follow_contest", contest)
    assert not methodist2.has_perm("contests.manage_contest", contest)
    assert methodist2.has_perm("expertise.view_commission", contest)
    own = contest.applications.filter(organization__municipality__name="Тихорецкий район").first()
    other = contest.applications.filter(organization__municipality__name="Выселковский район").first()
    assert methodist2.has_perm("contests.check_application", own)
    assert not methodist2.has_perm("contests.check_application", other)


def test_the_imc_holds_the_kip_awarded_by_the_region(demo, client):
    kip = StatusAssignment.objects.select_related("kind", "organization").get(kind__code="KIP")
    assert kip.organization.short_name == "МКУ «ИМЦ» МО Выселковский район"
    assert (
        kip.project_title == "Совершенствование инновационной инфраструктуры межмуниципального взаимодействия"
    )
    assert (kip.starts_on, kip.ends_on) == (datetime.date(2021, 9, 1), datetime.date(2024, 8, 31))
    assert kip.order_number and kip.order_date
    regional = User.objects.get(username="regional")
    assert regional.has_perm("statuses.change_status", kip)
    assert not User.objects.get(username="methodist").has_perm("statuses.change_status", kip)
    assert "КИП" in client.get("/statuses/?kind=KIP").content.decode()


def test_the_api_lists_the_kip_and_the_organisers(demo, client):
    body = client.get("/api/v1/statuses/", {"kind": "KIP"}).json()
    assert [row["kind"] for row in body["results"]] == ["KIP"]
    contest = _contest()
    row = client.get(f"/api/v1/contests/{contest.pk}/").json()
    assert row["level"] == "intermunicipal"
    assert row["organisers"][0]["oktmo"] == "03612000"
    results = client.get(f"/api/v1/contests/{contest.pk}/results/").json()["results"]
    assert {r["organization"]["municipality"] for r in results} == {"03612000", "03654000", "03621000"}
