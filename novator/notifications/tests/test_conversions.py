"""The library's and the projects' messages go through notify: in-app rows, e-mail as each user chose."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail

from novator.library import notifications as library_notifications
from novator.library.tests.factories import AdoptionFactory, MethodProductFactory
from novator.notifications.models import Notification, NotificationPreference
from novator.projects import services as project_services
from novator.projects.tests.factories import make_project

pytestmark = pytest.mark.django_db


def test_adoption_notifies_the_author_coordinators_in_app_and_by_email(
    coordinator, org_a, org_b, django_capture_on_commit_callbacks
):
    product = MethodProductFactory(authors=[org_a])
    adoption = AdoptionFactory(product=product, organization=org_b)
    with django_capture_on_commit_callbacks(execute=True):
        library_notifications.notify_adopted(adoption)
    row = Notification.objects.get(user=coordinator)
    assert row.kind == "library.adoption" and row.url == adoption.get_absolute_url()
    assert [m.to for m in mail.outbox] == [[coordinator.email]]


def test_adoption_email_can_be_switched_off(coordinator, org_a, org_b, django_capture_on_commit_callbacks):
    NotificationPreference.objects.create(user=coordinator, kind="library.adoption", email=False)
    adoption = AdoptionFactory(product=MethodProductFactory(authors=[org_a]), organization=org_b)
    with django_capture_on_commit_callbacks(execute=True):
        library_notifications.notify_adopted(adoption)
    assert mail.outbox == []
    assert Notification.objects.filter(user=coordinator).count() == 1


def test_report_reminder_respects_the_choice_but_the_school_mailbox_still_gets_it(
    org_a, coordinator, django_capture_on_commit_callbacks
):
    org_a.email = "school1@example.org"
    org_a.save()
    make_project(org_a)
    NotificationPreference.objects.create(user=coordinator, kind="projects.reminder", email=False)
    with django_capture_on_commit_callbacks(execute=True):
        project_services.reminders_send(today=datetime.date(2023, 6, 1))
    assert {m.to[0] for m in mail.outbox} == {"school1@example.org"}
    reminder = Notification.objects.get(user=coordinator, kind="projects.reminder")
    assert reminder.url.startswith("/projects/")
