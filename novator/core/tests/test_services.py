"""The kernel of the services: require, user_or_none, model_update."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from novator.core import audit
from novator.core.models import ActivityLog
from novator.core.services import model_update, require, user_or_none

pytestmark = pytest.mark.django_db


def test_require_lets_the_system_and_a_permitted_user_through(org_a: Any, methodologist: Any) -> None:
    require(None, "organizations.manage_organization", org_a)
    require(methodologist, "organizations.manage_organization", org_a)


def test_require_refuses_with_the_generic_or_the_given_message(org_a: Any, teacher: Any) -> None:
    with pytest.raises(PermissionDenied, match="У вас нет прав"):
        require(teacher, "organizations.manage_organization", org_a)
    with pytest.raises(PermissionDenied, match="Not yours"):
        require(teacher, "organizations.manage_organization", org_a, message="Not yours")


def test_user_or_none(teacher: Any) -> None:
    assert user_or_none(teacher) is teacher
    assert user_or_none(None) is None
    assert user_or_none(AnonymousUser()) is None


def test_model_update_saves_only_the_changed_fields_and_records_them(org_a: Any, methodologist: Any) -> None:
    org_a.phone = "+7 000"  # changed in memory only: not among the fields, so not saved
    changes = model_update(
        org_a,
        fields=("short_name", "address"),
        data={"short_name": "  Школа № 1  ", "address": org_a.address, "website": "ignored"},
        actor=methodologist,
        action="organization.update",
        strip=True,
    )
    assert list(changes) == ["short_name"]
    assert changes["short_name"][1] == "Школа № 1"
    type(org_a).objects.filter(pk=org_a.pk).update(phone="kept")
    org_a.refresh_from_db()
    assert org_a.short_name == "Школа № 1" and org_a.phone == "kept"
    entry = audit.history_for(org_a).get()
    assert (entry.action, entry.actor, entry.changes) == ("organization.update", methodologist, changes)


def test_model_update_without_changes_writes_nothing(org_a: Any, methodologist: Any) -> None:
    before = org_a.updated_at
    changes = model_update(
        org_a, fields=("short_name",), data={"short_name": org_a.short_name}, actor=methodologist, action="x"
    )
    assert changes == {}
    org_a.refresh_from_db()
    assert org_a.updated_at == before
    assert not ActivityLog.objects.exists()


def test_model_update_validate_refuses_and_derives(org_a: Any, org_b: Any, methodologist: Any) -> None:
    def refuse(org: Any) -> None:
        raise ValidationError("no")

    with pytest.raises(ValidationError):
        model_update(
            org_a, fields=("short_name",), data={"short_name": "X"}, actor=None, action="x", validate=refuse
        )
    assert not ActivityLog.objects.exists()

    def derive(org: Any) -> None:
        org.search_text = "derived"

    model_update(
        org_a,
        fields=("short_name",),
        data={"short_name": "Y"},
        actor=None,
        action="x",
        validate=derive,
        also_save=("search_text",),
        audit_obj=org_b,
        label=lambda org: f"{org.pk}: ",
    )
    org_a.refresh_from_db()
    assert org_a.search_text == "derived"
    entry = audit.history_for(org_b).get()
    assert list(entry.changes) == [f"{org_a.pk}: short_name"]
    assert entry.actor is None


def test_model_update_turns_a_conflict_into_the_given_message(org_a: Any, org_b: Any) -> None:
    with pytest.raises(ValidationError, match="Taken"):
        model_update(
            org_a, fields=("inn",), data={"inn": org_b.inn}, actor=None, action="x", conflict_message="Taken"
        )
