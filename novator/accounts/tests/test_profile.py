from __future__ import annotations

import pytest
from django.urls import reverse

from novator.accounts.models import Role
from novator.accounts.tests.factories import RoleAssignmentFactory

pytestmark = pytest.mark.django_db


def test_profile_lists_every_role_with_its_scope(
    client, coordinator, municipality, django_assert_num_queries
):
    RoleAssignmentFactory(user=coordinator, role=Role.METHODOLOGIST, municipality=municipality)
    RoleAssignmentFactory(user=coordinator, role=Role.EXPERT)
    client.force_login(coordinator)
    # session, user, the user's roles (navigation), the role list with scopes, the user's own staff record
    with django_assert_num_queries(5):
        response = client.get(reverse("accounts:profile"))
    body = response.content.decode()
    assert body.count("data-role=") == 3
    assert municipality.name in body
    assert reverse("notifications:preferences") in body and reverse("accounts:password_change") in body


def test_profile_needs_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize(
    "name", ["accounts:profile", "accounts:password_change", "notifications:preferences"]
)
def test_account_pages_have_breadcrumbs(client, coordinator, name):
    client.force_login(coordinator)
    body = client.get(reverse(name)).content.decode()
    assert 'class="breadcrumb"' in body and f'href="{reverse("portal:home")}"' in body
