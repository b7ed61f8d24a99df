"""Fixtures shared by the whole suite: one user per role, scoped to two municipalities and organisations, and
`module_db` for data built once per test module."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from novator.accounts.models import Role
from novator.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from novator.organizations.tests.factories import MunicipalityFactory, OrganizationFactory, RegionFactory


def pytest_configure(config: Any) -> None:
    # each test process restores the migrated SQLite test database from a copy instead of migrating it
    from tests import sqlite_template

    sqlite_template.install()


@pytest.fixture
def region(db: Any) -> Any:
    return RegionFactory()


@pytest.fixture
def municipality(region: Any) -> Any:
    return MunicipalityFactory(region=region, name="Выселковский район", oktmo="03612000")


@pytest.fixture
def other_municipality(region: Any) -> Any:
    return MunicipalityFactory(region=region, name="Тихорецкий район", oktmo="03654000")


@pytest.fixture
def org_a(municipality: Any) -> Any:
    return OrganizationFactory(municipality=municipality, short_name="МБОУ СОШ № 1 ст. Выселки")


@pytest.fixture
def org_b(other_municipality: Any) -> Any:
    return OrganizationFactory(municipality=other_municipality, short_name="МБОУ СОШ № 3 г. Тихорецка")


def _user(role: str, **scope: Any) -> Any:
    user = UserFactory(username=f"{role}-{'-'.join(str(v.pk) for v in scope.values()) or 'all'}")
    RoleAssignmentFactory(user=user, role=role, **scope)
    return user


@pytest.fixture
def admin_user(db: Any) -> Any:
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def methodologist(municipality: Any) -> Any:
    return _user(Role.METHODOLOGIST, municipality=municipality)


@pytest.fixture
def other_methodologist(other_municipality: Any) -> Any:
    return _user(Role.METHODOLOGIST, municipality=other_municipality)


@pytest.fixture
def coordinator(org_a: Any) -> Any:
    return _user(Role.COORDINATOR, organization=org_a)


@pytest.fixture
def coordinator_b(org_b: Any) -> Any:
    return _user(Role.COORDINATOR, organization=org_b)


@pytest.fixture
def teacher(org_a: Any) -> Any:
    return _user(Role.TEACHER, organization=org_a)


@pytest.fixture
def expert(db: Any) -> Any:
    return _user(Role.EXPERT)


@pytest.fixture
def observer(region: Any) -> Any:
    return _user(Role.OBSERVER, region=region)


@pytest.fixture
def regional_methodologist(region: Any) -> Any:
    """The regional methodologist of the region of `municipality` and `other_municipality`."""
    return _user(Role.REGIONAL_METHODOLOGIST, region=region)


@pytest.fixture
def other_region(db: Any) -> Any:
    return RegionFactory(name="Ростовская область", code="61")


@pytest.fixture
def other_regional_methodologist(other_region: Any) -> Any:
    """A regional methodologist of another region."""
    return _user(Role.REGIONAL_METHODOLOGIST, region=other_region)


_MODULES_IN_A_TRANSACTION: set[str] = set()


@pytest.fixture(scope="module")
def module_db(request: Any, django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """A transaction around a whole test module, rolled back at the module's end.

    A module-scoped fixture that depends on this one builds its data once for the module (inside
    `django_db_blocker.unblock()`), e.g. the demo; each test that uses it also asks for `db`, so it runs in
    a savepoint on top of that data and what it changes is undone before the next test. A test that needs
    the database without that data does not belong in such a module: once set up, the data lasts until
    the module's last test. (pytest-django runs the transactional tests after all the others; one that
    would run inside this transaction, asking for the module's data, is refused.)
    """
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
    _MODULES_IN_A_TRANSACTION.add(request.node.nodeid)
    try:
        yield
    finally:
        _MODULES_IN_A_TRANSACTION.discard(request.node.nodeid)
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
        # the module's content types (e.g. the demo's, restored from a snapshot) are gone with the rollback
        ContentType.objects.clear_cache()


def pytest_runtest_call(item: Any) -> None:
    """A transactional test would commit (and flush) inside a module's `module_db` transaction: refuse it."""
    if not _MODULES_IN_A_TRANSACTION:
        return
    from pytest_django.fixtures import validate_django_db

    marker = item.get_closest_marker("django_db")
    transactional = bool(marker and any(validate_django_db(marker)[:2]))  # transaction, reset_sequences
    if transactional or {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())):
        pytest.fail(f"{item.nodeid} is transactional but runs inside a `module_db` transaction")


@pytest.fixture(autouse=True)
def _clear_cache() -> Any:
    """Throttle counters and other cached state must not leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def smtp_server() -> Any:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 and a free port; ``.messages`` holds what it received
    (``email.message.EmailMessage`` objects with ``.envelope_to``). Mail goes to it through the project's
    whole path: the queue, the sending task and Django's SMTP backend."""
    import email
    import email.policy
    import socket

    from aiosmtpd.controller import Controller
    from django.test import override_settings

    class Handler:
        def __init__(self) -> None:
            self.messages: list[Any] = []

        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            message.envelope_to = list(envelope.rcpt_tos)  # type: ignore[attr-defined]
            self.messages.append(message)
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Handler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with override_settings(
            EMAIL_BACKEND="novator.notifications.mail.QueuedEmailBackend",
            NOVATOR_EMAIL_DELIVERY_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port,
            EMAIL_USE_TLS=False,
            EMAIL_USE_SSL=False,
            EMAIL_TIMEOUT=10,
        ):
            yield handler
    finally:
        controller.stop()
