"""Concurrency: many people saving at once lose nothing, and a save from a stale page is refused.

Threads open their own database connections (transactional tests). On SQLite the writers queue behind
`BEGIN IMMEDIATE` and the busy timeout (config/settings/base.py); on PostgreSQL behind row locks.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connections
from django.urls import reverse
from django.utils.translation import gettext

from novator.core.concurrency import VERSION_FIELD, version_token

from ..security import figures

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def real_db() -> None:
    """Threads need a database they can share: PostgreSQL, or SQLite in a file (not the in-memory test
    database, whose shared cache answers "table is locked" instead of waiting)."""
    from django.db import connection

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("concurrent writers need PostgreSQL or a file database: run with DATABASE_URL")


def run_at_once(tasks: list[Callable[[], Any]]) -> tuple[list[Any], list[BaseException]]:
    """Run the callables in threads released together; their results and exceptions."""
    barrier = threading.Barrier(len(tasks))
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(task: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            value = task()
            with lock:
                results.append(value)
        except BaseException as exc:
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(t,)) for t in tasks]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    figures.add("concurrency", "clients", len(tasks))
    return results, errors


# --- optimistic locking of the organisation form --------------------------------------------------------


def _org_post(form_data: dict[str, Any], **changes: Any) -> dict[str, Any]:
    data = {k: ("" if v is None else v) for k, v in form_data.items()}
    data.update(changes)
    return data


def _initial(client, url) -> dict[str, Any]:
    form = client.get(url).context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if hasattr(value, "pk"):
            value = value.pk
        if isinstance(value, bool):
            if not value:
                continue
            value = "on"
        data[name] = "" if value is None else value
    return data


def test_a_save_from_a_stale_organisation_page_is_refused(client, methodologist, org_a):
    from django.test import Client

    url = reverse("organizations:edit", args=[org_a.pk])
    first, second = Client(), Client()
    first.force_login(methodologist)
    second.force_login(methodologist)
    page_one = _initial(first, url)
    page_two = _initial(second, url)
    assert page_one[VERSION_FIELD] == version_token(org_a)

    response = first.post(url, _org_post(page_one, address="ст. Выселки, ул. Мира, 5"))
    assert response.status_code == 302
    response = second.post(url, _org_post(page_two, phone="+7 861 000-00-00"))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    org_a.refresh_from_db()
    assert org_a.address == "ст. Выселки, ул. Мира, 5"
    assert org_a.phone != "+7 861 000-00-00"
    # reloading gives the new version, and then the change goes through
    response = second.post(url, _org_post(_initial(second, url), phone="+7 861 000-00-00"))
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert org_a.phone == "+7 861 000-00-00"


def test_concurrent_saves_from_the_same_version_let_exactly_one_through(real_db, methodologist, org_a):
    from novator.organizations import services

    token = version_token(org_a)

    def save(i: int) -> Callable[[], Any]:
        def run() -> Any:
            from novator.organizations.models import Organization

            org = Organization.objects.get(pk=org_a.pk)
            return services.organization_update(
                actor=None, organization=org, data={"phone": f"+7 000 {i:03d}"}, version=token
            )

        return run

    results, errors = run_at_once([save(i) for i in range(8)])
    assert len(results) == 1
    assert len(errors) == 7 and all(isinstance(e, ValidationError) and e.code == "stale" for e in errors)
    assert gettext("Your changes were not saved") in " ".join(errors[0].messages) or errors[0].messages


# --- 20 experts scoring at once --------------------------------------------------------------------------


def test_twenty_experts_saving_score_sheets_at_once_lose_nothing(real_db, region):
    from novator.contests.models import ContestState
    from novator.contests.tests.factories import ApplicationFactory, contest_with_setup
    from novator.expertise.models import Score, ScoreSheet
    from novator.expertise.services.sheets import sheet_save_draft
    from novator.expertise.tests.factories import AssignmentFactory, CommissionFactory, publish
    from novator.organizations.tests.factories import MunicipalityFactory, OrganizationFactory

    municipality = MunicipalityFactory(region=region)
    contest = contest_with_setup(organiser_municipality=municipality, state=ContestState.EXPERTISE)
    publish(CommissionFactory(contest=contest))
    organization = OrganizationFactory(municipality=municipality)
    application = ApplicationFactory(contest=contest, organization=organization, state="accepted")
    assignments = [AssignmentFactory(application=application) for _ in range(20)]
    criteria = list(contest.criteria.order_by("position"))

    def save(assignment: Any, points: int) -> Callable[[], Any]:
        def run() -> Any:
            sheet = ScoreSheet.objects.get(assignment=assignment)
            return sheet_save_draft(
                actor=assignment.expert.user,
                sheet=sheet,
                version=sheet.version,
                scores={
                    c.pk: {"points": str(min(points, int(c.max_points))), "comment": "ок"} for c in criteria
                },
                conclusion=f"Заключение {points}",
            )

        return run

    results, errors = run_at_once([save(a, i % 3 + 1) for i, a in enumerate(assignments)])
    assert errors == []
    assert Score.objects.filter(sheet__assignment__in=assignments).count() == 20 * len(criteria)
    for i, a in enumerate(assignments):
        sheet = ScoreSheet.objects.get(assignment=a)
        assert sheet.conclusion == f"Заключение {i % 3 + 1}"
        assert sheet.scores.get(criterion=criteria[0]).points == Decimal(i % 3 + 1)

    # the same expert in 10 tabs saving from the same version: one save wins, the rest are told it is stale
    first = assignments[0]
    sheet = ScoreSheet.objects.get(assignment=first)
    version = sheet.version

    def tab(n: int) -> Callable[[], Any]:
        def run() -> Any:
            return sheet_save_draft(
                actor=first.expert.user,
                sheet=ScoreSheet.objects.get(pk=sheet.pk),
                version=version,
                conclusion=f"вкладка {n}",
            )

        return run

    results, errors = run_at_once([tab(n) for n in range(10)])
    assert len(results) == 1
    assert len(errors) == 9 and all(getattr(e, "code", "") == "stale" for e in errors)
    sheet.refresh_from_db()
    assert sheet.version == version + 1


# --- 100 registrations at once ---------------------------------------------------------------------------


def test_a_hundred_registrations_at_once_never_overfill(real_db, region):
    """The events app's own test covers 40 on PostgreSQL; here 100 on whichever database runs the suite."""
    from novator.events import services
    from novator.events.models import Registration
    from novator.events.tests.factories import EventFactory
    from novator.organizations.tests.factories import MunicipalityFactory, OrganizationFactory, PersonFactory

    org = OrganizationFactory(municipality=MunicipalityFactory(region=region))
    event = EventFactory(organizers=[org], capacity=30)
    people = PersonFactory.create_batch(100, organization=org)

    def register(person: Any) -> Callable[[], Any]:
        return lambda: services.registration_create(actor=None, event=event, person=person)

    # 100 registrations from 25 connections at once (a server's worker pool; the shared PostgreSQL of the
    # test machine has no 100 spare connections): each connection registers four people back to back.
    batches = [people[i::25] for i in range(25)]

    def batch(group: list[Any]) -> Callable[[], Any]:
        return lambda: [register(p)() for p in group]

    _results, errors = run_at_once([batch(g) for g in batches])
    figures.add("concurrency", "registrations", len(people))
    assert errors == []
    assert Registration.objects.filter(event=event, status="registered").count() == 30
    assert Registration.objects.filter(event=event, status="waitlisted").count() == 70
    assert Registration.objects.filter(event=event).values("person").distinct().count() == 100


def test_a_save_from_a_stale_staff_page_is_refused(coordinator, org_a):
    from django.test import Client

    from novator.organizations.models import Person
    from novator.organizations.tests.factories import PersonFactory

    person = PersonFactory(organization=org_a)
    url = reverse("organizations:person_edit", args=[person.pk])
    first, second = Client(), Client()
    first.force_login(coordinator)
    second.force_login(coordinator)
    page_one, page_two = _initial(first, url), _initial(second, url)
    assert first.post(url, _org_post(page_one, position="завуч")).status_code == 302
    response = second.post(url, _org_post(page_two, position="директор"))
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert Person.objects.get(pk=person.pk).position == "завуч"
