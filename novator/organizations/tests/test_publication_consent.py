"""Consent to publication in force (152-ФЗ): one rule, on the model and as a database filter, and the
writes that change it tell the apps that keep a published name elsewhere."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

import pytest

from novator.organizations import services
from novator.organizations.models import Person
from novator.organizations.querysets import publication_consent_q
from novator.organizations.tests.factories import PersonFactory

GIVEN = datetime.date(2024, 9, 1)
LATER = datetime.date(2025, 2, 1)


def _valid(processing: Any, processing_withdrawn: Any, publication: Any, publication_withdrawn: Any) -> bool:
    """The combinations the database constraints allow."""
    return (
        (publication is None or processing is not None)
        and (processing_withdrawn is None or processing is not None)
        and (publication_withdrawn is None or publication is not None)
    )


def test_the_property_and_the_filter_give_the_same_answer_for_every_combination(org_a: Any) -> None:
    expected = {}
    for dates in itertools.product((None, GIVEN), (None, LATER), (None, GIVEN), (None, LATER)):
        if not _valid(*dates):
            continue
        person: Any = PersonFactory(
            organization=org_a,
            processing_consent_on=dates[0],
            processing_consent_withdrawn_on=dates[1],
            publication_consent_on=dates[2],
            publication_consent_withdrawn_on=dates[3],
        )
        # given, not withdrawn, and the consent to processing in force: the only publishable combination
        expected[person.pk] = dates == (GIVEN, None, GIVEN, None)
        assert person.publication_consent_in_force is expected[person.pk], dates
        assert person.has_publication_consent is expected[person.pk]
        assert (person.published_name == person.full_name) is expected[person.pk]
        assert (person.published_name is None) is not expected[person.pk]
    assert len(expected) == 7
    publishable = set(Person.objects.publishable().values_list("pk", flat=True))
    assert publishable == {pk for pk, shown in expected.items() if shown}
    assert set(Person.objects.not_publishable().values_list("pk", flat=True)) == set(expected) - publishable
    # through a relation, e.g. the nominee of an application
    from novator.contests.models import Application

    assert str(Application.objects.filter(publication_consent_q("applicant__")).query).count("IS NULL") == 2


def test_public_name_hides_the_name_without_consent_in_force(org_a: Any) -> None:
    person: Any = PersonFactory(organization=org_a, published=True, processing_consent_withdrawn_on=LATER)
    assert person.last_name not in person.public_name and person.first_name not in person.public_name


@pytest.mark.parametrize(
    "typed,matches",
    [("Ёлкина", True), ("  ЕЛКИНА ", True), ("елкина", True), ("Ёлкин", False), ("", False), ("Анна", False)],
)
def test_surname_matches_ignores_case_yo_and_spaces(org_a: Any, typed: str, matches: bool) -> None:
    person: Any = PersonFactory(organization=org_a, last_name="Ёлкина", first_name="Анна")
    assert person.surname_matches(typed) is matches


def test_an_erased_person_matches_no_surname(org_a: Any) -> None:
    person: Any = PersonFactory(organization=org_a, last_name="Удалено")
    person.erased_at = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    assert not person.surname_matches("Удалено")


@pytest.fixture
def calls() -> Any:
    seen: list[int] = []

    def hook(person: Person) -> None:
        seen.append(person.pk)

    services.PUBLISHED_NAME_HOOKS.append(hook)
    yield seen
    services.PUBLISHED_NAME_HOOKS.remove(hook)


def test_withdrawing_or_giving_the_consent_tells_the_hooks(org_a: Any, coordinator: Any, calls: Any) -> None:
    person: Any = PersonFactory(organization=org_a, published=True)
    services.person_update(actor=coordinator, person=person, data={"position": "методист"})
    assert calls == []  # the published name did not change
    services.person_update(actor=coordinator, person=person, data={"publication_consent_withdrawn_on": LATER})
    assert calls == [person.pk]
    services.person_update(actor=coordinator, person=person, data={"last_name": "Иная"})
    assert calls == [person.pk]  # not published: nothing to refresh
    services.person_update(actor=coordinator, person=person, data={"publication_consent_withdrawn_on": None})
    assert calls == [person.pk, person.pk]
    services.person_update(actor=coordinator, person=person, data={"processing_consent_withdrawn_on": LATER})
    assert calls == [person.pk] * 3


def test_the_admin_tells_the_hooks_too(admin_client: Any, org_a: Any, calls: Any) -> None:
    from django.urls import reverse

    person: Any = PersonFactory(organization=org_a, published=True)
    url = reverse("admin:organizations_person_change", args=[person.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(organization=org_a.pk, publication_consent_withdrawn_on="2025-02-01", user="")
    for name in ("processing_consent_on", "publication_consent_on"):
        data[name] = GIVEN.isoformat()
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert calls == [person.pk]
