"""E-mails of events: the place from the waitlist and the reminder the day before, sent once."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone

from novator.core.models import Job
from novator.events import services
from novator.events.models import Event, Registration, RegistrationStatus
from novator.notifications.models import Notification
from novator.organizations.tests.factories import PersonFactory

from .factories import EventFactory, RegistrationFactory


def _tomorrow(hour: int = 10) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=1)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_current_timezone())


def test_promotion_from_the_waitlist_is_mailed(
    event, teacher, teacher_person, coordinator, staff, mailoutbox, django_capture_on_commit_callbacks
):
    teacher.email = "teacher@example.org"
    teacher.save()
    Event.objects.filter(pk=event.pk).update(capacity=1)
    event.refresh_from_db()
    first = services.registration_create(actor=coordinator, event=event, person=staff[0])
    services.registration_create(actor=teacher, event=event, person=teacher_person)
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(actor=coordinator, registration=first)
    assert [m.to for m in mailoutbox] == [["teacher@example.org"]]
    assert event.title[:40] in mailoutbox[0].subject
    assert Notification.objects.filter(user=teacher, kind="events.waitlist_promoted").count() == 1


def test_cancelling_without_waitlist_sends_nothing(event, teacher, teacher_person, mailoutbox):
    teacher.email = "teacher@example.org"
    teacher.save()
    reg = services.registration_create(actor=teacher, event=event, person=teacher_person)
    services.registration_cancel(actor=teacher, registration=reg)
    assert mailoutbox == [] and not Notification.objects.exists()


def test_reminders_go_once_to_tomorrows_participants(
    org_a, teacher, teacher_person, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    teacher.email = "teacher@example.org"
    teacher.save()
    coordinator.email = "coord@example.org"
    coordinator.save()
    tomorrow = EventFactory(organizers=[org_a], starts_at=_tomorrow(), ends_at=_tomorrow(13))
    later = EventFactory(organizers=[org_a], starts_at=_tomorrow() + datetime.timedelta(days=2))
    mine = RegistrationFactory(event=tomorrow, person=teacher_person)
    colleague = PersonFactory(organization=org_a)
    by_coordinator = RegistrationFactory(event=tomorrow, person=colleague, registered_by=coordinator)
    RegistrationFactory(event=tomorrow, person=PersonFactory(), status=RegistrationStatus.WAITLISTED)
    RegistrationFactory(event=tomorrow, person=PersonFactory(), status=RegistrationStatus.CANCELLED)
    RegistrationFactory(event=later, person=PersonFactory(organization=org_a, user=None))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send() == 2
    assert sorted(m.to[0] for m in mailoutbox) == ["coord@example.org", "teacher@example.org"]
    assert {r.pk for r in Registration.objects.filter(reminded_at__isnull=False)} == {
        mine.pk,
        by_coordinator.pk,
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send() == 0
    assert len(mailoutbox) == 2


def test_reminder_command_and_its_task(org_a, teacher, teacher_person, mailoutbox, capsys):
    teacher.email = "teacher@example.org"
    teacher.save()
    event = EventFactory(organizers=[org_a], starts_at=_tomorrow(), ends_at=_tomorrow(13))
    RegistrationFactory(event=event, person=teacher_person)
    call_command("send_event_reminders")
    assert "1" in capsys.readouterr().out
    call_command("send_event_reminders")
    assert "0" in capsys.readouterr().out
    assert Registration.objects.get().reminded_at is not None
    # «now» is a day earlier: the event is the day after tomorrow, nobody is due
    Registration.objects.update(reminded_at=None)
    call_command("send_event_reminders", "--now", (timezone.now() - datetime.timedelta(days=1)).isoformat())
    assert Registration.objects.get().reminded_at is None
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("send_event_reminders", "--now", "вчера")


def test_reminder_task_records_the_job(org_a, teacher_person):
    from novator.core.jobs import job_create
    from novator.events.tasks import send_event_reminders_task

    event = EventFactory(organizers=[org_a], starts_at=_tomorrow(), ends_at=_tomorrow(13))
    RegistrationFactory(event=event, person=teacher_person)
    job = job_create(actor=None, kind="events.reminders", title="Event reminders")
    send_event_reminders_task.call(str(job.pk))
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED and job.result["sent"] == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_reminder_runs_send_once(region):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency needs PostgreSQL")
    from novator.organizations.tests.factories import MunicipalityFactory, OrganizationFactory

    org = OrganizationFactory(municipality=MunicipalityFactory(region=region))
    event = EventFactory(organizers=[org], starts_at=_tomorrow(), ends_at=_tomorrow(13))
    for person in PersonFactory.create_batch(20, organization=org):
        RegistrationFactory(event=event, person=person)
    counts: list[int] = []
    barrier = threading.Barrier(4)

    def run():
        try:
            barrier.wait()
            counts.append(services.reminders_send())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(counts) == 20
    assert Registration.objects.filter(reminded_at__isnull=False).count() == 20
