"""The users page: scoped, searchable, sortable, paginated, with a pinned query count; deactivation."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from novator.accounts.models import Role
from novator.accounts.tests.factories import RoleAssignmentFactory, UserFactory, api_token_for
from novator.core.models import ActivityLog
from novator.onboarding import services
from novator.onboarding.models import Invitation
from novator.organizations.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

USERS = reverse("onboarding:users")


def _staff(org, n, role=Role.TEACHER, **kw):
    users = []
    for i in range(n):
        user = UserFactory(last_name=f"Сотрудник{i:03d}", **kw)
        RoleAssignmentFactory(user=user, role=role, organization=org)
        users.append(user)
    return users


def test_a_coordinator_sees_their_organisation_only(client, coordinator, teacher, coordinator_b, org_b):
    stranger = _staff(org_b, 1)[0]
    client.force_login(coordinator)
    page = client.get(USERS).content.decode()
    assert f'data-user="{teacher.pk}"' in page
    assert f'data-user="{stranger.pk}"' not in page and f'data-user="{coordinator_b.pk}"' not in page
    assert "никогда не входил" in page


def test_a_methodologist_sees_their_municipalities(client, methodologist, coordinator, coordinator_b):
    client.force_login(methodologist)
    page = client.get(USERS).content.decode()
    assert f'data-user="{coordinator.pk}"' in page and f'data-user="{coordinator_b.pk}"' not in page


def test_search_sort_and_never_signed_in(client, coordinator, org_a):
    a, b = _staff(org_a, 2)
    a.last_login = timezone.now()
    a.save()
    client.force_login(coordinator)
    page = client.get(USERS, {"q": "Сотрудник001"}).content.decode()
    assert f'data-user="{b.pk}"' in page and f'data-user="{a.pk}"' not in page
    page = client.get(USERS, {"never": "1"}).content.decode()
    assert f'data-user="{b.pk}"' in page and f'data-user="{a.pk}"' not in page
    page = client.get(USERS, {"sort": "-name", "q": "Сотрудник"}).content.decode()
    assert page.index(f'data-user="{b.pk}"') < page.index(f'data-user="{a.pk}"')
    assert client.get(USERS, {"sort": "password"}).status_code == 200  # an unknown sort is ignored


@pytest.mark.parametrize("count", [3, 60])
def test_the_query_count_does_not_grow(client, coordinator, org_a, count, django_assert_max_num_queries):
    _staff(org_a, count)
    Invitation.objects.bulk_create(
        Invitation(
            email=f"invited{i}@example.org",
            role=Role.TEACHER,
            organization=org_a,
            invited_by=coordinator,
            token_hash=f"{i:064d}",
            expires_at=timezone.now() + datetime.timedelta(days=7),
        )
        for i in range(count)
    )
    client.force_login(coordinator)
    client.get(USERS)  # warm the session and content types
    # session, user, scope, count, page of users, their roles, invitations count and page
    with django_assert_max_num_queries(9):
        assert client.get(USERS).status_code == 200


def test_deactivate_keeps_history_and_ends_tokens(client, coordinator, teacher):
    token = api_token_for(teacher)
    client.force_login(coordinator)
    response = client.post(reverse("onboarding:user_deactivate", args=[teacher.pk]))
    assert response.status_code == 302
    teacher.refresh_from_db()
    assert not teacher.is_active and teacher.role_assignments.exists()
    assert not teacher.api_tokens.exists() and token
    assert ActivityLog.objects.filter(action="user.deactivate", object_id=str(teacher.pk)).exists()


def test_deactivate_only_within_scope(client, coordinator, coordinator_b, methodologist, teacher, org_a):
    client.force_login(coordinator_b)
    client.post(reverse("onboarding:user_deactivate", args=[teacher.pk]))
    teacher.refresh_from_db()
    assert teacher.is_active
    # nor a methodologist by a coordinator, nor oneself
    client.force_login(coordinator)
    client.post(reverse("onboarding:user_deactivate", args=[methodologist.pk]))
    client.post(reverse("onboarding:user_deactivate", args=[coordinator.pk]))
    methodologist.refresh_from_db()
    coordinator.refresh_from_db()
    assert methodologist.is_active and coordinator.is_active
    # someone who also holds a role elsewhere is not the coordinator's to switch off
    RoleAssignmentFactory(user=teacher, role=Role.TEACHER, organization=OrganizationFactory())
    with pytest.raises(PermissionDenied):
        services.user_deactivate(actor=coordinator, user=teacher)


def test_the_page_is_closed_to_teachers_and_experts(client, teacher, expert):
    for user in (teacher, expert):
        client.force_login(user)
        assert client.get(USERS).status_code == 403


def test_the_menu_leads_to_the_page_or_to_joining(client, coordinator, expert):
    client.force_login(coordinator)
    assert f'href="{USERS}"' in client.get(reverse("accounts:profile")).content.decode()
    client.force_login(expert)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert f'href="{USERS}"' not in page and f'href="{reverse("onboarding:join")}"' in page
