from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from novator.accounts.models import Role, RoleAssignment
from novator.accounts.scope import get_scope
from novator.accounts.services import role_grant, user_create
from novator.core.models import ActivityLog

pytestmark = pytest.mark.django_db


def test_scope_is_computed_with_one_query_and_cached(methodologist, municipality, django_assert_num_queries):
    with django_assert_num_queries(1):
        scope = get_scope(methodologist)
        get_scope(methodologist)
    assert scope.methodologist_municipalities == {municipality.pk}
    assert scope.primary_role() == Role.METHODOLOGIST


def test_anonymous_scope_is_empty():
    from django.contrib.auth.models import AnonymousUser

    scope = get_scope(AnonymousUser())
    assert not scope.authenticated
    assert scope.primary_role() is None


def test_role_scope_must_match_role(methodologist, org_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=methodologist, role=Role.METHODOLOGIST, organization=org_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=methodologist, role=Role.COORDINATOR)


def test_user_create_and_role_grant_are_audited_and_idempotent(admin_user, municipality):
    user = user_create(actor=admin_user, username="ivanova", password="Strong-pass-2024", last_name="Иванова")
    role_grant(actor=admin_user, user=user, role=Role.METHODOLOGIST, municipality=municipality)
    role_grant(actor=admin_user, user=user, role=Role.METHODOLOGIST, municipality=municipality)
    assert user.role_assignments.count() == 1
    assert ActivityLog.objects.filter(action="role.grant").count() == 1
    assert get_scope(user).methodologist_municipalities == {municipality.pk}


def test_login_page_in_russian_and_wrong_password_message(client):
    page = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="ru")
    assert "Войти" in page.content.decode()
    response = client.post(reverse("accounts:login"), {"username": "nobody", "password": "x"})
    assert response.status_code == 200
    assert "alert-danger" in response.content.decode()


def test_login_and_logout(client, methodologist):
    response = client.post(
        reverse("accounts:login"), {"username": methodologist.username, "password": "pass-for-tests-1"}
    )
    assert response.status_code == 302
    assert client.get(reverse("portal:home")).context["user"].is_authenticated
    client.post(reverse("accounts:logout"))
    assert not client.get(reverse("portal:home")).context["user"].is_authenticated


def test_a_duplicate_e_mail_is_refused_with_a_clear_message(admin_user, coordinator):
    from django.core.exceptions import ValidationError
    from django.utils import translation

    with translation.override("ru"), pytest.raises(ValidationError) as refused:
        user_create(actor=admin_user, username="twin", password=None, email=coordinator.email.upper())
    assert "уже указан" in str(refused.value.message_dict["email"])
    assert not type(coordinator).objects.filter(username="twin").exists()


def test_the_admin_refuses_a_duplicate_e_mail(client, admin_user, coordinator, teacher):
    admin_user.is_staff = True
    admin_user.save()
    client.force_login(admin_user)
    url = reverse("admin:accounts_user_change", args=[teacher.pk])
    page = client.get(url)
    data = {**page.context["adminform"].form.initial, "email": coordinator.email}
    data = {
        k: v for k, v in data.items() if v is not None and k not in ("groups", "user_permissions", "password")
    }
    data.update(
        {
            "role_assignments-TOTAL_FORMS": "0",
            "role_assignments-INITIAL_FORMS": "0",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "01.01.2024",
            "date_joined_1": "10:00:00",
        }
    )
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 200 and "уже указан" in response.content.decode()
    teacher.refresh_from_db()
    assert teacher.email != coordinator.email
