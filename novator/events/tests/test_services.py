from __future__ import annotations

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.utils import timezone

from novator.core.models import ActivityLog
from novator.events import services
from novator.events.models import Certificate, CertificateRole, Event, Registration, RegistrationStatus
from novator.organizations.tests.factories import PersonFactory

from .factories import EventFactory, RegistrationFactory, TalkFactory


def test_register_until_full_then_waitlist(event, coordinator, staff):
    Event.objects.filter(pk=event.pk).update(capacity=2)
    event.refresh_from_db()
    statuses = [
        services.registration_create(actor=coordinator, event=event, person=p).status for p in staff[:4]
    ]
    assert statuses == ["registered", "registered", "waitlisted", "waitlisted"]
    assert ActivityLog.objects.filter(action="registration_create").count() == 4


def test_cancel_promotes_first_on_waitlist_exactly_once(event, coordinator, staff):
    Event.objects.filter(pk=event.pk).update(capacity=1)
    event.refresh_from_db()
    regs = [services.registration_create(actor=coordinator, event=event, person=p) for p in staff[:3]]
    promoted = services.registration_cancel(actor=coordinator, registration=regs[0])
    assert promoted is not None and promoted.pk == regs[1].pk
    statuses = dict(Registration.objects.values_list("pk", "status"))
    assert statuses == {regs[0].pk: "cancelled", regs[1].pk: "registered", regs[2].pk: "waitlisted"}
    # cancelling the same registration again is refused and promotes nobody
    with pytest.raises(ValidationError):
        services.registration_cancel(actor=coordinator, registration=regs[0])
    assert Registration.objects.get(pk=regs[2].pk).status == "waitlisted"
    # cancelling a waitlisted registration frees no place: nobody is promoted
    assert services.registration_cancel(actor=coordinator, registration=regs[2]) is None
    assert ActivityLog.objects.filter(action="registration_promote").count() == 1


def test_registering_twice_is_refused_and_reregistration_after_cancel_works(event, teacher, teacher_person):
    reg = services.registration_create(actor=teacher, event=event, person=teacher_person)
    with pytest.raises(ValidationError, match="уже зарегистрирован"):
        services.registration_create(actor=teacher, event=event, person=teacher_person)
    services.registration_cancel(actor=teacher, registration=reg)
    again = services.registration_create(actor=teacher, event=event, person=teacher_person)
    assert again.pk == reg.pk and again.status == RegistrationStatus.REGISTERED
    assert Registration.objects.count() == 1


@pytest.mark.parametrize("trait", ["closed", "not_open", "past"])
def test_registration_window_is_enforced(org_a, teacher, teacher_person, trait):
    event = EventFactory(organizers=[org_a], **{trait: True})
    with pytest.raises(ValidationError):
        services.registration_create(actor=teacher, event=event, person=teacher_person)
    assert not Registration.objects.exists()


def test_teacher_cannot_register_a_colleague(event, teacher, staff):
    with pytest.raises(PermissionDenied):
        services.registration_create(actor=teacher, event=event, person=staff[0])


def test_coordinator_of_another_organisation_cannot_register_staff(event, coordinator_b, staff):
    with pytest.raises(PermissionDenied):
        services.registration_create(actor=coordinator_b, event=event, person=staff[0])


def test_event_create_refuses_wrong_dates_and_changes_nothing(org_a, coordinator):
    now = timezone.now()
    with pytest.raises(ValidationError) as info:
        services.event_create(
            actor=coordinator,
            organizers=[org_a],
            title="Семинар",
            kind="seminar",
            level="municipal",
            starts_at=now,
            ends_at=now - timezone.timedelta(hours=1),
        )
    assert "ends_at" in info.value.message_dict
    assert not Event.objects.exists()


def test_event_create_for_a_foreign_organisation_is_refused(org_b, coordinator):
    now = timezone.now()
    with pytest.raises(PermissionDenied):
        services.event_create(
            actor=coordinator,
            organizers=[org_b],
            title="x",
            kind="seminar",
            level="school",
            starts_at=now,
            ends_at=now,
        )


def test_attendance_and_certificates(org_a, coordinator, staff):
    event = EventFactory(organizers=[org_a], past=True)
    came = RegistrationFactory(event=event, person=staff[0])
    RegistrationFactory(event=event, person=staff[1])
    speaker = PersonFactory(organization=org_a)
    TalkFactory(section__event=event, speakers=[speaker])
    services.attendance_mark(actor=coordinator, registration=came)
    services.attendance_mark(actor=coordinator, registration=came)  # idempotent
    made = services.certificates_issue(actor=coordinator, event=event)
    assert {(c.person_id, c.role) for c in made} == {
        (staff[0].pk, CertificateRole.ATTENDEE),
        (speaker.pk, CertificateRole.SPEAKER),
    }
    assert services.certificates_issue(actor=coordinator, event=event) == []
    assert Certificate.objects.count() == 2
    assert len({c.code for c in made}) == 2


def test_certificates_wait_for_the_end_of_the_event(event, coordinator):
    with pytest.raises(ValidationError):
        services.certificates_issue(actor=coordinator, event=event)


def test_waitlisted_person_cannot_be_checked_in(event, coordinator, staff):
    reg = RegistrationFactory(event=event, person=staff[0], status=RegistrationStatus.WAITLISTED)
    with pytest.raises(ValidationError):
        services.attendance_mark(actor=coordinator, registration=reg)


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_never_overfill(region):
    """100 registrations at once for the last 10 places, then 10 cancellations at once: the capacity is
    never exceeded and each freed place goes to exactly one person, first in the queue. The requests
    run on 40 connections (PostgreSQL's max_connections is 100 and shared with other test runs)."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    from concurrent.futures import ThreadPoolExecutor

    from novator.organizations.tests.factories import MunicipalityFactory, OrganizationFactory

    org = OrganizationFactory(municipality=MunicipalityFactory(region=region))
    event = EventFactory(organizers=[org], capacity=30)
    for person in PersonFactory.create_batch(20, organization=org):
        RegistrationFactory(event=event, person=person)
    people = PersonFactory.create_batch(100, organization=org)
    start = threading.Event()
    errors: list[BaseException] = []

    def run(call, *args):
        start.wait()
        try:
            call(*args)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    def register(person):
        services.registration_create(actor=None, event=event, person=person)

    with ThreadPoolExecutor(max_workers=40) as pool:
        futures = [pool.submit(run, register, p) for p in people]
        start.set()
        for f in futures:
            f.result()
    assert errors == []
    assert Registration.objects.filter(event=event, status="registered").count() == 30
    assert Registration.objects.filter(event=event, status="waitlisted").count() == 90

    queue = list(
        Registration.objects.filter(event=event, status="waitlisted")
        .order_by("queued_at", "pk")
        .values_list("pk", flat=True)[:10]
    )
    leaving = list(Registration.objects.filter(event=event, status="registered")[:10])
    start.clear()

    def cancel(reg):
        services.registration_cancel(actor=None, registration=reg)

    with ThreadPoolExecutor(max_workers=10) as pool:
        futures = [pool.submit(run, cancel, r) for r in leaving]
        start.set()
        for f in futures:
            f.result()
    assert errors == []
    assert Registration.objects.filter(event=event, status="registered").count() == 30
    assert Registration.objects.filter(event=event, status="waitlisted").count() == 80
    assert ActivityLog.objects.filter(action="registration_promote").count() == 10
    promoted = {
        int(pk)
        for pk in ActivityLog.objects.filter(action="registration_promote").values_list(
            "object_id", flat=True
        )
    }
    assert promoted == set(queue)


def test_attendance_record_from_a_sign_in_sheet(org_a, coordinator, staff):
    event = EventFactory(organizers=[org_a], past=True)
    assert len(services.attendance_record(actor=coordinator, event=event, people=staff[:3])) == 3
    assert services.attendance_record(actor=coordinator, event=event, people=staff[:3]) == []
    assert Registration.objects.filter(event=event, attended_at__isnull=False).count() == 3
    future = EventFactory(organizers=[org_a])
    with pytest.raises(ValidationError):
        services.attendance_record(actor=coordinator, event=future, people=staff[:1])
