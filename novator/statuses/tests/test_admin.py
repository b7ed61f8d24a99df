from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from novator.core.models import ActivityLog
from novator.statuses.models import StatusAssignment, StatusKind
from novator.statuses.tests.factories import StatusAssignmentFactory

pytestmark = pytest.mark.django_db


def test_admin_award_goes_through_the_service(client, admin_user, org_a):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:statuses_statusassignment_add"),
        {
            "organization": org_a.pk,
            "kind": StatusKind.objects.get(code="FIP").pk,
            "starts_on": "2023-09-01",
            "years": "",
            "order_number": "5",
            "order_date": "",
            "project_title": "Федеральный проект",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assignment = StatusAssignment.objects.get()
    assert assignment.ends_on == datetime.date(2028, 8, 31)  # the kind's five years
    assert assignment.events.get().kind == "award"
    assert ActivityLog.objects.filter(action="status.award", actor=admin_user).exists()


def test_admin_correction_is_audited_and_cannot_touch_the_term(client, admin_user, org_a):
    assignment = StatusAssignmentFactory(organization=org_a, order_number="1")
    client.force_login(admin_user)
    url = reverse("admin:statuses_statusassignment_change", args=[assignment.pk])
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(
        url,
        {
            "project_title": assignment.project_title,
            "order_number": "1-п",
            "order_date": assignment.order_date.isoformat(),
            "ends_on": "2040-12-31",  # read-only: ignored
            "events-TOTAL_FORMS": "1",
            "events-INITIAL_FORMS": "1",
            "events-MIN_NUM_FORMS": "0",
            "events-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.order_number == "1-п"
    assert assignment.ends_on == datetime.date(2025, 8, 31)
    assert ActivityLog.objects.get(action="status.update").changes == {"order_number": ["1", "1-п"]}


def test_admin_delete_is_audited(client, admin_user, org_a):
    assignment = StatusAssignmentFactory(organization=org_a)
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:statuses_statusassignment_delete", args=[assignment.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not StatusAssignment.objects.exists()
    assert ActivityLog.objects.filter(action="status.delete", object_id=str(assignment.pk)).exists()


def test_admin_list_and_kinds(client, admin_user):
    StatusAssignmentFactory.create_batch(3)
    client.force_login(admin_user)
    assert client.get(reverse("admin:statuses_statusassignment_changelist"), {"q": "мбоу"}).status_code == 200
    assert client.get(reverse("admin:statuses_statuskind_changelist")).status_code == 200
