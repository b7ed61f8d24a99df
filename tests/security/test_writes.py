"""Every write of `writes.py` × every role: the write takes effect for the roles it names and for no
other, and the others are refused (through the door, changing nothing) or find the door shut."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from . import figures
from .harness import resolve_kwargs
from .world import ROLES, World
from .writes import WRITES, Write

pytestmark = pytest.mark.django_db

DONE, REFUSED, DENY, ERROR = "done", "refused", "deny", "error"


def _door(response: Any) -> str:
    code = response.status_code
    if code >= 500:
        return ERROR
    if code in (401, 403, 404, 405):
        return DENY
    location = response.get("Location", "") if code in (301, 302, 303) else ""
    if "/accounts/login/" in location or "/admin/login/" in location:
        return DENY
    return REFUSED  # through the door; whether it changed anything is asked of the data


def attempt(world: World, role: str, write: Write) -> tuple[str, int]:
    """One write as `role`, rolled back afterwards: what the role got (done / refused / deny / error)."""
    client = Client(raise_request_exception=False, HTTP_ACCEPT="text/html,application/json")
    user = world.users.get(role)
    if user is not None:
        client.force_login(user)
    with transaction.atomic():
        ctx = write.setup(world) if write.setup else {}
        url = (
            write.url(world, ctx)
            if callable(write.url)
            else reverse(write.url, kwargs=resolve_kwargs(world, write.kwargs))
        )
        data = write.data(world, ctx)
        send = getattr(client, write.method)
        if write.api:
            response = send(url, json.dumps(data), content_type="application/json")
        else:
            response = send(url, data)
        door = _door(response)
        changed = write.changed(world, ctx)
        transaction.set_rollback(True)
    if changed:
        return (DONE if door == REFUSED else f"{door} but changed"), response.status_code
    return door, response.status_code


def test_every_write_names_known_roles():
    for write in WRITES:
        assert set(write.allow) <= set(ROLES), write.name
        assert set(write.refused) <= set(ROLES) - set(write.allow), write.name


@pytest.mark.parametrize("write", WRITES, ids=[w.name for w in WRITES])
def test_each_role_changes_only_what_it_owns(world, write):
    wrong = {}
    for role in ROLES:
        got, code = attempt(world, role, write)
        expected = DONE if role in write.allow else REFUSED if role in write.refused else DENY
        if got != expected:
            wrong[role] = f"expected {expected}, got {got} ({code})"
    figures.add("permission_matrix", "write checks", len(ROLES))
    assert not wrong, f"{write.name}: {wrong}"
