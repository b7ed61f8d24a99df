"""`load_demo` where the demo is not loaded yet: a database with an organisation of a demo name, a server
where the demo is off, a real commit. Each test loads on its own (test_demo.py shares one load per module)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from novator.accounts.models import User
from novator.organizations.models import Municipality, Organization
from novator.organizations.tests.factories import OrganizationFactory


def _load() -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("load_demo", stdout=out)
    return out.getvalue()


def test_an_existing_organisation_with_a_demo_name_is_not_duplicated(db, region):
    municipality = Municipality.objects.create(region=region, name="Выселковский район", oktmo="03612000")
    real = OrganizationFactory(municipality=municipality, short_name="МБОУ СОШ № 2 ст. Выселки")
    _load()
    assert Organization.objects.filter(short_name="МБОУ СОШ № 2 ст. Выселки").get() == real
    assert Municipality.objects.count() == 3


def test_refuses_when_demo_is_off(db, settings):
    settings.NOVATOR_DEMO = False
    with pytest.raises(CommandError, match="NOVATOR_DEMO"):
        _load()
    assert not User.objects.exists()
    assert not Organization.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_loading_sends_no_e_mail(mailoutbox, settings):
    # A real commit (transactional test): the services' on-commit notifications do run.
    _load()
    assert mailoutbox == []
    assert settings.EMAIL_BACKEND.endswith("locmem.EmailBackend")  # the override did not leak
