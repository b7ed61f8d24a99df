"""Fixtures shared by the whole suite: one user per role, scoped to two municipalities and organisations."""

from __future__ import annotations

from typing import Any

import pytest

from novator.accounts.models import Role
from novator.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from novator.organizations.tests.factories import MunicipalityFactory, OrganizationFactory, RegionFactory


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
