"""After erasure no text column of the database holds the erased name (152-ФЗ ст. 21).

The world: the person is an expert assigned to an application, a member of a commission and of a jury,
an author of a product (linked and in free text), the head of an organisation, a registrant of an event,
the subject of a notification sent to others, and the object of log records written before the log
named people by reference. Every char, text and JSON column of every model is then read back.
"""

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.db import models

from novator.contests.tests.factories import ApplicationFactory, contest_with_setup, professional_contest
from novator.core import audit
from novator.core.models import ActivityLog
from novator.events.tests.factories import RegistrationFactory
from novator.expertise import services as expertise
from novator.expertise.tests.factories import CommissionFactory, ExpertFactory
from novator.library import services as library
from novator.notifications.models import Notification
from novator.organizations.tests.factories import OrganizationFactory, PersonFactory
from novator.privacy import scrub, services

pytestmark = pytest.mark.django_db

LAST, FIRST, MIDDLE = "Секретова", "Ангелина", "Павловна"


def _text_values() -> list[tuple[str, str, str]]:
    """(model, column, value as text) for every char, text and JSON column of every row."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField | models.FileField)
        ]
        if not fields:
            continue
        for row in model._default_manager.values_list(*(f.attname for f in fields)):
            for field, value in zip(fields, row, strict=True):
                if value in (None, ""):
                    continue
                text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                found.append((model._meta.label, field.attname, text))
    return found


def _holding(forms: list[str]) -> list[tuple[str, str, str]]:
    return [row for row in _text_values() if any(form in row[2] for form in forms)]


@pytest.fixture
def world(org_a, municipality, admin_user, methodologist, coordinator):
    from novator.accounts.tests.factories import UserFactory

    user = UserFactory(last_name=LAST, first_name=FIRST, middle_name=MIDDLE)
    person = PersonFactory(
        organization=org_a, user=user, last_name=LAST, first_name=FIRST, middle_name=MIDDLE, published=True
    )
    full = person.full_name
    expert = ExpertFactory(user=user)
    # commission membership and an assignment (status contest)
    contest = contest_with_setup(organiser_municipality=municipality, expertise=True)
    CommissionFactory(contest=contest)
    expertise.commission_member_add(actor=admin_user, commission=contest.commission, expert=expert)
    application = ApplicationFactory(contest=contest, organization=OrganizationFactory(), accepted=True)
    expertise.assignment_add(actor=admin_user, application=application, expert=expert)
    # jury of a professional contest, where the person is also a participant
    pro = professional_contest(organiser_municipality=municipality, expertise=True)
    expertise.round_juror_add(actor=admin_user, round=pro.rounds.first(), expert=expert)
    ApplicationFactory(contest=pro, organization=org_a, applicant=person, accepted=True)
    # author of a product, linked and in free text
    library.product_create(
        actor=coordinator,
        data={
            "title": "Программа «Шахматы»",
            "type": "programme",
            "annotation": "Программа для старших групп.",
            "author_organizations": [org_a],
            "author_people": [person],
            "author_names": f"{full}, Петров П. П.",
            "audience_kinds": ["preschool"],
            "licence": "cc-by-4.0",
            "version": "1.0",
        },
    )
    # head of an organisation (free text), an event registration, a notification naming the person
    org_a.head_name = full
    org_a.save()
    RegistrationFactory(person=person)
    Notification.objects.create(
        user=admin_user,
        kind="x",
        subject=f"Отвод: {full}",
        body=f"Эксперт: {full}\nЗаявка: № 1\nЭксперт: {LAST} {FIRST}\nПричина: родство",
    )
    # records written before the log named people by reference
    ActivityLog.objects.create(
        action="commission.member_add",
        content_type_id=1,
        object_id="1",
        object_repr=f"{full} → заявка",
        changes={"member": [None, full], f"{LAST} {FIRST}: max_load": [1, 2], "initials": f"{LAST} А. П."},
    )
    return person


def test_after_erasure_no_text_column_holds_the_name(world, admin_user):
    person = world
    forms = scrub.name_forms((LAST, FIRST, MIDDLE))
    assert _holding(forms), "the world must hold the name before erasure"
    services.person_erase(
        actor=admin_user, person=person, confirmation=str(person.pk), reason=f"заявление {LAST} {FIRST}"
    )
    assert _holding(forms) == []
    assert _holding([LAST]) == []
    # the facts stay, by reference
    assert ActivityLog.objects.filter(action="expertise.assignment_add").exists()
    assert ActivityLog.objects.filter(action="commission.member_add").count() == 2


def test_the_log_names_people_by_reference(world):
    person = world
    member_add = ActivityLog.objects.filter(action="commission.member_add").order_by("pk").first()
    assert member_add is not None
    assert LAST not in json.dumps(member_add.changes, ensure_ascii=False)
    assert audit.ref(person.user.expert) in member_add.changes["member"]
    assert LAST not in audit.ref(person)


def test_a_namesake_keeps_their_name(world, org_b, admin_user):
    namesake = PersonFactory(organization=org_b, last_name=LAST, first_name=FIRST, middle_name="Игоревна")
    org_b.head_name = namesake.full_name
    org_b.save()
    services.person_erase(actor=admin_user, person=world, confirmation=str(world.pk))
    namesake.refresh_from_db()
    org_b.refresh_from_db()
    assert namesake.full_name == f"{LAST} {FIRST} Игоревна"
    assert org_b.head_name == namesake.full_name
