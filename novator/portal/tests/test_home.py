"""Role home pages: one section per role, what to do next, a fixed number of queries whatever the data."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from novator.accounts.models import Role
from novator.accounts.tests.factories import RoleAssignmentFactory
from novator.contests.tests.factories import ApplicationFactory, ContestFactory
from novator.core.models import Job
from novator.events.tests.factories import EventFactory, RegistrationFactory
from novator.expertise.tests.factories import AssignmentFactory, CommissionFactory, ExpertFactory, publish
from novator.library.tests.factories import MethodProductFactory
from novator.organizations.tests.factories import OrganizationFactory, PersonFactory
from novator.statuses.tests.factories import StatusAssignmentFactory

pytestmark = pytest.mark.django_db


def _queries(client, url="/"):
    """Queries of a page with an empty cache (the public figures and lists are cached for 5 minutes)."""
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx), response


def _public_data(municipality, n):
    for _ in range(n):
        org = OrganizationFactory(municipality=municipality)
        StatusAssignmentFactory(
            organization=org, starts_on=timezone.localdate() - datetime.timedelta(days=100)
        )
        ContestFactory(organiser_municipality=municipality, announced=True)
        ContestFactory(organiser_municipality=municipality, published=True)
        EventFactory(organizers=[org])
        MethodProductFactory(authors=[org])


def _coordinator_data(org, n):
    for _ in range(n):
        contest = ContestFactory(organiser_municipality=org.municipality, announced=True)
        ApplicationFactory(contest=contest, organization=org, returned=True)
        ApplicationFactory(
            contest=ContestFactory(organiser_municipality=org.municipality, announced=True), organization=org
        )


def _methodologist_data(municipality, n):
    for _ in range(n):
        contest = ContestFactory(organiser_municipality=municipality, announced=True)
        ApplicationFactory(contest=contest, submitted=True)


def _expert_data(user, municipality, n):
    profile = ExpertFactory(user=user) if not hasattr(user, "expert") else user.expert
    for _ in range(n):
        contest = ContestFactory(organiser_municipality=municipality, expertise=True)
        publish(CommissionFactory(contest=contest))
        application = ApplicationFactory(contest=contest, accepted=True)
        AssignmentFactory(application=application, expert=profile)
    return profile


def test_public_home_query_count_is_pinned(client, municipality, django_assert_num_queries):
    _public_data(municipality, 1)
    small, _ = _queries(client)
    _public_data(municipality, 6)
    large, response = _queries(client)
    assert small == large
    assert len(response.context["public"]["events"]) == 5
    cache.clear()
    with django_assert_num_queries(large):
        client.get("/")
    # figures (2), programmes, statuses, results, open contests, events (those under way, then those to
    # come: none is under way here), library top products
    assert large == 9


# Authenticated pages: session, user, the user's roles, then the public part (9) and the role's section
# (coordinator 4, methodologist 9, expert 3 with the invitations, observer 1, teacher 1, administrator 1);
# an expert and a methodologist (who may chair or be the secretary of a commission) one more: rankings
# waiting for confirmation.
@pytest.mark.parametrize(
    ("role", "maker", "pinned"),
    [
        ("coordinator", "coordinator", 16),
        ("methodologist", "methodologist", 22),
        ("expert", "expert", 16),
        ("observer", "observer", 13),
        ("teacher", "teacher", 13),
        ("admin_user", "admin", 13),
    ],
)
def test_role_home_query_count_does_not_grow(request, client, municipality, org_a, role, maker, pinned):
    user = request.getfixturevalue(role)
    client.force_login(user)

    def make(n):
        _public_data(municipality, 1)
        if maker == "coordinator":
            _coordinator_data(org_a, n)
        elif maker == "methodologist":
            _methodologist_data(municipality, n)
        elif maker == "expert":
            _expert_data(user, municipality, n)
        elif maker == "teacher":
            person = PersonFactory(organization=org_a, user=user) if n == 1 else user.person
            for _ in range(n):
                RegistrationFactory(event=EventFactory(), person=person)
        elif maker == "admin":
            for _ in range(n):
                Job.objects.create(kind="x", title="Импорт", state=Job.State.FAILED, error="boom")
                _methodologist_data(municipality, 1)

    make(1)
    small, _ = _queries(client)
    make(6)
    large, _ = _queries(client)
    assert small == large == pinned


def test_coordinator_sees_open_contests_returned_applications_and_deadlines(client, coordinator, org_a):
    contest = ContestFactory(
        organiser_municipality=org_a.municipality, announced=True, title="Конкурс МИП-2027"
    )
    returned = ApplicationFactory(contest=contest, organization=org_a, returned=True)
    foreign = ApplicationFactory(contest=contest, returned=True)  # another organisation's
    client.force_login(coordinator)
    response = client.get("/")
    data = response.context["coordinator"]
    assert contest in data["open_contests"]
    assert data["applications"] == [returned]
    assert foreign not in data["applications"]
    body = response.content.decode()
    assert 'id="home-coordinator"' in body and returned.get_absolute_url() in body
    assert contest.closes_at.astimezone(timezone.get_current_timezone()).strftime("%d.%m.%Y") in body
    assert 'id="home-methodologist"' not in body and 'id="home-expert"' not in body


def test_methodologist_queue_shows_formal_checks_of_own_municipality(
    client, methodologist, municipality, other_municipality
):
    own = ApplicationFactory(
        contest=ContestFactory(organiser_municipality=municipality, announced=True), submitted=True
    )
    ApplicationFactory(
        contest=ContestFactory(organiser_municipality=other_municipality, announced=True), submitted=True
    )
    client.force_login(methodologist)
    response = client.get("/")
    queue = response.context["methodologist"]
    assert queue.formal_checks == [own]
    assert queue.formal_checks_count == 1
    assert 'data-count="formal-checks">1<' in response.content.decode()


def test_expert_sees_assignments_with_progress(client, expert, municipality):
    _expert_data(expert, municipality, 3)
    client.force_login(expert)
    response = client.get("/")
    data = response.context["expert"]
    assert (data["total"], data["done"], data["percent"]) == (3, 0, 0)
    assert len(data["assignments"]) == 3
    assert 'id="home-expert"' in response.content.decode()


def test_user_with_two_roles_gets_two_sections(client, coordinator, org_a, municipality):
    RoleAssignmentFactory(user=coordinator, role=Role.METHODOLOGIST, municipality=municipality)
    client.force_login(coordinator)
    body = client.get("/").content.decode()
    assert 'id="home-coordinator"' in body and 'id="home-methodologist"' in body


def test_observer_gets_dashboard_links(client, observer, municipality):
    client.force_login(observer)
    body = client.get("/").content.decode()
    assert reverse("monitoring:home") in body
    assert reverse("monitoring:municipality", args=[municipality.pk]) in body


def test_anonymous_gets_the_public_page_only(client, municipality):
    _public_data(municipality, 1)
    body = client.get("/").content.decode()
    assert 'id="home-public"' in body and "role-section" not in body
    assert 'id="public-events"' in body and 'id="public-statuses"' in body


def test_admin_sees_failed_jobs(client, admin_user):
    job = Job.objects.create(kind="x", title="Импорт реестра", state=Job.State.FAILED, error="boom")
    old = Job.objects.create(kind="x", title="Старый", state=Job.State.FAILED, error="boom")
    Job.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=30))
    client.force_login(admin_user)
    response = client.get("/")
    assert response.context["admin_section"]["failed_jobs"] == [job]


def test_public_figures_and_lists_are_cached_for_five_minutes(client, municipality, coordinator):
    """The figures, the public lists and the library's top products are the same for every visitor: a
    second anonymous visit asks the database nothing; a new organisation shows once the cache expires."""
    from novator.portal import selectors

    _public_data(municipality, 2)
    first, response = _queries(client)
    total = response.context["figures"]["total"]
    with CaptureQueriesContext(connection) as ctx:
        again = client.get("/")
    assert len(ctx) == 0 < first
    OrganizationFactory(municipality=municipality)
    assert again.context["figures"]["total"] == total  # within the 5 minutes: the cached figure
    assert selectors.PUBLIC_CACHE_SECONDS <= 300
    cache.clear()  # what the expiry does
    assert client.get("/").context["figures"]["total"] == total + 1
    # signed-in users get the cached figures and top products, and their own lists fresh
    client.force_login(coordinator)
    signed_in, _ = _queries(client)
    with CaptureQueriesContext(connection) as ctx:
        client.get("/")
    assert len(ctx) == signed_in - 3  # figures (2) and the top products (1) come from the cache
