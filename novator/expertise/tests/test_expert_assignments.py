"""The expert's own assignments (`Assignment.objects.for_expert`): exactly the published, conflict-free
assignments of accepted applications, checked against `conflicts.conflict_code` over every kind of
expert and application; and the query keeps few joins (the expert's home page at country scale)."""

from __future__ import annotations

from itertools import product
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from novator.accounts.tests.factories import UserFactory
from novator.contests.models import ApplicationState
from novator.contests.tests.factories import ApplicationFactory, ContestFactory
from novator.expertise.conflicts import conflict_code, expert_municipality_id
from novator.expertise.models import Assignment, ConflictDeclaration
from novator.expertise.selectors.sheets import expert_assignments
from novator.organizations.tests.factories import OrganizationFactory
from novator.portal.selectors import expert_home

from .factories import (
    AssignmentFactory,
    CommissionFactory,
    ConflictDeclarationFactory,
    ExpertFactory,
    publish,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(municipality: Any, other_municipality: Any, org_a: Any, org_b: Any) -> dict[str, Any]:
    """Six kinds of experts, each assigned to every application of four contests (external expertise
    or not, assignments published or not), applicants from both municipalities; some applications are
    not accepted, some conflicts are declared."""
    org_c = OrganizationFactory(municipality=municipality)
    org_d = OrganizationFactory(municipality=other_municipality)
    experts = [
        ExpertFactory(municipality=other_municipality, organization=None),  # no conflicts but declared
        ExpertFactory(municipality=None, organization=org_a),  # org_a's municipality through the organisation
        ExpertFactory(municipality=municipality, organization=None),
        ExpertFactory(municipality=municipality, organization=org_b),  # their own municipality wins
        ExpertFactory(municipality=None, organization=None),
        ExpertFactory(municipality=None, organization=org_b),
    ]
    applications = []
    for external, published in product([True, False], [True, False]):
        contest = ContestFactory(
            organiser_municipality=municipality, expertise=True, require_external_experts=external
        )
        commission: Any = CommissionFactory(contest=contest)
        if published:
            publish(commission)
        for organization in (org_a, org_b, org_c):
            applications.append(ApplicationFactory(contest=contest, organization=organization, accepted=True))
        applications.append(ApplicationFactory(contest=contest, organization=org_d, submitted=True))
    for expert, application in product(experts, applications):
        AssignmentFactory(expert=expert, application=application)
    for expert in experts[:3]:
        for application in applications[::5]:
            ConflictDeclarationFactory(expert=expert, application=application)
    return {"experts": experts, "applications": applications}


def _expected(expert: Any) -> set[int]:
    declared = set(ConflictDeclaration.objects.values_list("application_id", "expert_id"))
    result = set()
    for assignment in Assignment.objects.filter(expert=expert).select_related(
        "expert__organization", "application__organization", "application__contest__commission"
    ):
        application = assignment.application
        conflict = conflict_code(
            expert_organization_id=expert.organization_id,
            expert_municipality_id=expert_municipality_id(expert),
            applicant_organization_id=application.organization_id,
            applicant_municipality_id=application.organization.municipality_id,
            require_external=application.contest.require_external_experts,
            declared=(application.pk, expert.pk) in declared,
        )
        if (
            conflict is None
            and application.state == ApplicationState.ACCEPTED
            and application.contest.commission.assignments_published_at is not None
        ):
            result.add(assignment.pk)
    return result


def test_an_expert_sees_exactly_their_published_conflict_free_assignments(world):
    seen = []
    for expert in world["experts"]:
        expected = _expected(expert)
        rows = list(expert_assignments(expert.user))
        assert {a.pk for a in rows} == expected
        assert rows == sorted(
            rows,
            key=lambda a: (
                -a.application.contest.opens_at.timestamp(),
                a.application.contest_id,
                a.application.number,
                a.pk,
            ),
        )
        seen.append(len(expected))
    # of the 6 published accepted applications: declared, organisation and municipality conflicts
    assert seen == [3, 2, 3, 2, 6, 4]


def test_the_home_page_figures_are_those_of_the_visible_assignments(world):
    expert = world["experts"][1]
    expected = _expected(expert)
    data = expert_home(expert.user)
    assert data["total"] == len(expected) and data["done"] == 0
    assert {a.pk for a in data["assignments"]} <= expected


def test_no_profile_no_assignments(world):
    assert not Assignment.objects.for_expert(UserFactory()).exists()
    assert not Assignment.objects.for_expert(AnonymousUser()).exists()
    assert expert_home(UserFactory())["total"] == 0


def test_the_query_joins_only_the_application_its_contest_commission_and_organisation(world):
    """The expert and their organisation are looked up once (subqueries), not joined to every row: with a
    dozen tables PostgreSQL spent more time planning the expert's home page than running it."""
    query = Assignment.objects.for_expert(world["experts"][1].user).query
    query.get_compiler("default").as_sql()
    joined = sorted(join.table_name for alias, join in query.alias_map.items() if query.alias_refcount[alias])
    assert joined == [
        "contests_application",
        "contests_contest",
        "expertise_assignment",
        "expertise_commission",
        "organizations_organization",
    ]
