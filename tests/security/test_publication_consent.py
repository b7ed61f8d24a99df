"""Every public page and API that can name a person, walked with one person whose consent to publication is
(a) in force and (b) not in force — withdrawn, never given, or gone with the consent to processing.

The name shows only in (a). The checks by code (diplomas, event certificates) name nobody in either case:
they answer whether the code and the surname typed match. A withdrawal is made through the service after
every page was read once in (a), so a page or a search index that kept the name would show it here.
"""

from __future__ import annotations

import datetime
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document

from novator.contests import services as contest_services
from novator.contests.models import Diploma, Distinction, RoundEntry
from novator.contests.tests.factories import ApplicationFactory, professional_contest
from novator.events.models import Certificate
from novator.events.tests.factories import EventFactory, SectionFactory, TalkFactory
from novator.library import search
from novator.library.models import MethodProduct
from novator.library.tests.factories import MethodProductFactory
from novator.organizations import services as organization_services
from novator.organizations.tests.factories import PersonFactory

SURNAME, FIRST, MIDDLE = "Публикова", "Евлампия", "Зиновьевна"
FULL_NAME = f"{SURNAME} {FIRST} {MIDDLE}"
PRODUCT = "Пособие «Финансовая грамотность в начальной школе»"
CERTIFICATE = "WALK-CERT-0001"
WITHDRAWN = datetime.date(2025, 2, 1)


@dataclass
class Scene:
    person: Any
    organization: Any
    contest: Any
    diploma: Any
    event: Any
    product: Any


@pytest.fixture
def build(
    municipality: Any,
    methodologist: Any,
    coordinator: Any,
    org_a: Any,
    django_capture_on_commit_callbacks: Any,
) -> Any:
    def make(*, published: bool) -> Scene:
        consent = {"published": True} if published else {"consented": True}
        person: Any = PersonFactory(
            organization=org_a, last_name=SURNAME, first_name=FIRST, middle_name=MIDDLE, **consent
        )
        # a professional contest with the person as its winner, results published (diplomas issued)
        contest = professional_contest(organiser_municipality=municipality, decided=True)
        application: Any = ApplicationFactory(
            contest=contest,
            organization=org_a,
            applicant=person,
            category=contest.categories.first(),
            accepted=True,
            rank=1,
            total=25,
            awarded=True,
            distinction=Distinction.WINNER,
            project_title="Урок, который помнят",
        )
        for item in contest.rounds.all():
            RoundEntry.objects.create(round=item, application=application, rank=1)
        contest_services.contest_transition(actor=methodologist, contest=contest, name="publish_results")
        # a conference at which the person spoke, with a certificate and the proceedings built
        event: Any = EventFactory(organizers=[org_a], kind="conference", title="Конференция «Новые практики»")
        section = SectionFactory(event=event, title="Пленарное заседание")
        TalkFactory(section=section, title="Доклад", abstract="Тезисы.", accepted=True, speakers=[person])
        Certificate.objects.create(event=event, person=person, role="speaker", code=CERTIFICATE)
        client = Client()
        client.force_login(coordinator)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("events:proceedings_build", args=[event.pk]))
        # a published methodological product the person wrote
        product: Any = MethodProductFactory(title=PRODUCT, authors=[org_a])
        product.author_people.set([person])
        search.index_product(
            MethodProduct.objects.prefetch_related("author_people", "author_organizations").get(pk=product.pk)
        )
        return Scene(person, org_a, contest, Diploma.objects.get(application=application), event, product)

    return make


def _text(response: Any) -> str:
    if response.status_code != 200:
        return ""
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        content = b"".join(response.streaming_content)
        return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def _json(response: Any) -> str:
    # the API escapes nothing but make sure of it: names are compared as text
    return json.dumps(response.json(), ensure_ascii=False) if response.status_code == 200 else ""


#: Pages and API that may name the person while the consent is in force: (what, read it).
NAMING: list[tuple[str, Callable[[Client, Scene], str]]] = [
    ("contest results page", lambda c, s: _text(c.get(s.contest.get_absolute_url()))),
    ("contest results API", lambda c, s: _json(c.get(f"/api/v1/contests/{s.contest.pk}/results/"))),
    ("event page: programme", lambda c, s: _text(c.get(s.event.get_absolute_url()))),
    (
        "event proceedings",
        lambda c, s: _text(c.get(reverse("events:proceedings", args=[s.event.pk, "docx"]))),
    ),
    ("product page", lambda c, s: _text(c.get(s.product.get_absolute_url()))),
    ("open data CSV", lambda c, s: _text(c.get(reverse("library-open-data", args=["csv"])))),
    ("open data JSON", lambda c, s: _text(c.get(reverse("library-open-data", args=["json"])))),
]

#: Pages and API that never name the person.
SILENT: list[tuple[str, Callable[[Client, Scene], str]]] = [
    ("home page", lambda c, s: _text(c.get(reverse("portal:home")))),
    ("contest list", lambda c, s: _text(c.get(reverse("contests:list")))),
    ("contest API", lambda c, s: _json(c.get(f"/api/v1/contests/{s.contest.pk}/"))),
    ("event API", lambda c, s: _json(c.get(f"/api/v1/events/{s.event.pk}/"))),
    ("event list", lambda c, s: _text(c.get(reverse("events:list")))),
    ("product API", lambda c, s: _json(c.get(f"/api/v1/products/{s.product.pk}/"))),
    ("catalogue", lambda c, s: _text(c.get(reverse("library:catalogue")))),
    ("organisation page", lambda c, s: _text(c.get(s.organization.get_absolute_url()))),
    ("organisation API", lambda c, s: _json(c.get(f"/api/v1/organizations/{s.organization.pk}/"))),
    ("diploma link", lambda c, s: _text(c.get(s.diploma.get_absolute_url()))),
    ("certificate link", lambda c, s: _text(c.get(reverse("events:verify"), {"code": CERTIFICATE}))),
]

#: Searches by the surname: they find the person's product only while the name may be published.
SEARCHES: list[tuple[str, Callable[[Client, Scene], str]]] = [
    ("site search", lambda c, s: _text(c.get(reverse("portal:search"), {"q": SURNAME}))),
    ("catalogue search", lambda c, s: _text(c.get(reverse("library:catalogue"), {"search": SURNAME}))),
    ("product API search", lambda c, s: _json(c.get("/api/v1/products/", {"search": SURNAME}))),
]


def _checks(client: Client, scene: Scene) -> dict[str, str]:
    """The answers of the checks by code and surname (typed right, so both are genuine)."""
    diploma = client.post(
        reverse("contests:diploma_verify_form"), {"code": scene.diploma.code, "surname": SURNAME.lower()}
    )
    certificate = client.post(reverse("events:verify"), {"code": CERTIFICATE, "surname": SURNAME})
    assert b'id="diploma-valid"' in diploma.content and b'id="certificate-valid"' in certificate.content
    return {"diploma check": _text(diploma), "certificate check": _text(certificate)}


def _walk_in_force(client: Client, scene: Scene) -> None:
    for what, read in NAMING:
        assert FULL_NAME in read(client, scene), what
    for what, read in SILENT:
        text = read(client, scene)
        assert text, what
        assert SURNAME not in text and FIRST not in text, what
    for what, read in SEARCHES:
        assert "Финансовая грамотность" in read(client, scene), what
    _checks_name_nobody(client, scene)


def _walk_not_in_force(client: Client, scene: Scene) -> None:
    for what, read in [*NAMING, *SILENT]:
        text = read(client, scene)
        assert SURNAME not in text and FIRST not in text and MIDDLE not in text, what
    for what, read in SEARCHES:
        assert "Финансовая грамотность" not in read(client, scene), what
    _checks_name_nobody(client, scene)
    # the row of the results is still there, with the organisation
    assert scene.organization.short_name in client.get(scene.contest.get_absolute_url()).content.decode()


def _checks_name_nobody(client: Client, scene: Scene) -> None:
    for what, text in _checks(client, scene).items():
        # the surname was typed by the asker; nothing else of the person is shown
        assert FIRST not in text and MIDDLE not in text, what
        assert scene.organization.short_name not in text, what


def test_consent_in_force_names_the_person(build: Any) -> None:
    scene = build(published=True)
    _walk_in_force(Client(), scene)


def test_consent_never_given_names_nobody(build: Any) -> None:
    scene = build(published=False)
    _walk_not_in_force(Client(), scene)


@pytest.mark.parametrize(
    "withdrawal",
    [{"publication_consent_withdrawn_on": WITHDRAWN}, {"processing_consent_withdrawn_on": WITHDRAWN}],
    ids=["publication withdrawn", "processing withdrawn"],
)
def test_withdrawal_hides_the_name_at_once_everywhere(build: Any, coordinator: Any, withdrawal: Any) -> None:
    scene = build(published=True)
    client = Client()
    _walk_in_force(client, scene)  # every page read once: whatever is cached now holds the name
    organization_services.person_update(actor=coordinator, person=scene.person, data=withdrawal)
    _walk_not_in_force(client, scene)
