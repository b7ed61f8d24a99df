"""Requests to join an organisation: asked by a signed-in user, decided by its coordinator."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from novator.accounts.models import Role
from novator.accounts.scope import get_scope
from novator.accounts.tests.factories import UserFactory
from novator.notifications.models import Notification
from novator.onboarding import services
from novator.onboarding.models import JoinRequest, JoinRequestState
from novator.organizations.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(db):
    return UserFactory(username="newcomer", last_name="Орлова", first_name="Дарья")


def test_ask_then_the_coordinator_approves(client, newcomer, coordinator, org_a):
    client.force_login(newcomer)
    page = client.get(reverse("onboarding:join"), {"q": "Выселки"}).content.decode()
    assert org_a.short_name in page
    response = client.post(
        reverse("onboarding:join"),
        {"organization": org_a.pk, "position": "учитель музыки", "message": "Здравствуйте"},
    )
    assert response.status_code == 302
    join_request = JoinRequest.objects.get()
    assert Notification.objects.filter(user=coordinator, kind="onboarding.join_request").exists()

    client.force_login(coordinator)
    assert "Орлова" in client.get(reverse("onboarding:join_requests")).content.decode()
    client.post(reverse("onboarding:join_request_decide", args=[join_request.pk]), {"decision": "approve"})
    join_request.refresh_from_db()
    assert join_request.state == JoinRequestState.APPROVED and join_request.decided_by == coordinator
    newcomer.refresh_from_db()
    assert get_scope(newcomer).teacher_organizations == frozenset({org_a.pk})
    assert Person.objects.get(user=newcomer).position == "учитель музыки"
    assert Notification.objects.filter(user=newcomer, kind="onboarding.join_request_decided").exists()


def test_decline_with_a_reason_gives_no_role(newcomer, coordinator, org_a):
    join_request = services.join_request_create(actor=newcomer, organization=org_a, position="учитель")
    services.join_request_decide(
        actor=coordinator, join_request=join_request, decision="decline", reason="Не работает у нас"
    )
    assert not newcomer.role_assignments.exists()
    note = Notification.objects.get(user=newcomer)
    assert "Не работает у нас" in note.body
    with pytest.raises(ValidationError):  # decided once
        services.join_request_decide(actor=coordinator, join_request=join_request, decision="approve")


def test_only_its_coordinator_decides(client, newcomer, coordinator_b, methodologist, org_a):
    join_request = services.join_request_create(actor=newcomer, organization=org_a, position="учитель")
    with pytest.raises(PermissionDenied):
        services.join_request_decide(actor=coordinator_b, join_request=join_request, decision="approve")
    client.force_login(coordinator_b)
    response = client.post(
        reverse("onboarding:join_request_decide", args=[join_request.pk]), {"decision": "approve"}
    )
    assert response.status_code == 404
    assert (
        JoinRequest.objects.get().state == JoinRequestState.PENDING and not newcomer.role_assignments.exists()
    )


def test_a_request_twice_or_from_staff_is_refused(newcomer, teacher, org_a):
    services.join_request_create(actor=newcomer, organization=org_a, position="учитель")
    with pytest.raises(ValidationError):
        services.join_request_create(actor=newcomer, organization=org_a, position="учитель")
    with pytest.raises(ValidationError):
        services.join_request_create(actor=teacher, organization=org_a, position="учитель")
    with pytest.raises(ValidationError):
        services.join_request_create(actor=newcomer, organization=org_a, position="  ")
    assert JoinRequest.objects.count() == 1


def test_a_bad_decision_changes_nothing(client, newcomer, coordinator, org_a):
    join_request = services.join_request_create(actor=newcomer, organization=org_a, position="учитель")
    client.force_login(coordinator)
    client.post(reverse("onboarding:join_request_decide", args=[join_request.pk]), {"decision": "promote"})
    assert JoinRequest.objects.get().state == JoinRequestState.PENDING
    assert not newcomer.role_assignments.filter(role=Role.TEACHER).exists()


def test_the_notifications_are_known_kinds():
    from novator.notifications import kinds

    for code in (
        "onboarding.invitation_accepted",
        "onboarding.join_request",
        "onboarding.join_request_decided",
    ):
        assert kinds.is_known(code)
