"""POST and GET /api/v1/invitations/."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from novator.accounts.models import Role
from novator.onboarding.models import Invitation

pytestmark = pytest.mark.django_db

URL = "/api/v1/invitations/"


def _client(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_post_then_list_own(coordinator, org_a, django_capture_on_commit_callbacks, mailoutbox):
    api = _client(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            URL, {"email": "api@example.org", "role": Role.TEACHER, "organization": org_a.pk}, format="json"
        )
    assert response.status_code == 201, response.content
    assert response.json()["state"] == "pending" and len(mailoutbox) == 1
    listed = api.get(URL).json()
    assert listed["count"] == 1 and listed["results"][0]["email"] == "api@example.org"
    assert "token_hash" not in listed["results"][0]


def test_out_of_scope_organisation_is_refused(coordinator, org_b):
    response = _client(coordinator).post(
        URL, {"email": "api@example.org", "role": Role.TEACHER, "organization": org_b.pk}, format="json"
    )
    assert response.status_code == 400
    assert "organization" in response.json()
    assert not Invitation.objects.exists()


def test_wrong_role_and_duplicate_address(coordinator, teacher, org_a):
    api = _client(coordinator)
    assert (
        api.post(
            URL, {"email": "x@example.org", "role": "admin", "organization": org_a.pk}, format="json"
        ).status_code
        == 400
    )
    response = api.post(
        URL, {"email": teacher.email, "role": Role.TEACHER, "organization": org_a.pk}, format="json"
    )
    assert response.status_code == 400 and "email" in response.json()
    assert not Invitation.objects.exists()


def test_a_teacher_may_not_invite(teacher, org_a):
    response = _client(teacher).post(
        URL, {"email": "x@example.org", "role": Role.TEACHER, "organization": org_a.pk}, format="json"
    )
    assert response.status_code == 403 and not Invitation.objects.exists()


def test_list_is_one_own(coordinator, methodologist, org_a, django_capture_on_commit_callbacks):
    _client(coordinator).post(
        URL, {"email": "a@example.org", "role": Role.TEACHER, "organization": org_a.pk}, format="json"
    )
    assert _client(methodologist).get(URL).json()["count"] == 0


def test_anonymous_is_refused():
    assert APIClient().get(URL).status_code in (401, 403)
