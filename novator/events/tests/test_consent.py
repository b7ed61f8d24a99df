"""Personal data on public outputs (152-ФЗ): a speaker is named only with consent to publication in force;
without it the public sees «Speaker — <organisation>», while the event's managers still see the name."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from docx import Document

from novator.core.models import Job
from novator.core.names import dative
from novator.events import certificates, proceedings
from novator.events.models import Certificate, Proceedings
from novator.events.selectors import public_speaker
from novator.organizations.models import Person
from novator.organizations.tests.factories import PersonFactory

from .factories import EventFactory, RegistrationFactory, SectionFactory, TalkFactory

WITHDRAWN = datetime.date(2025, 2, 1)


def _label(org):
    return gettext("Speaker — %(organization)s") % {"organization": org.short_name}


@pytest.fixture
def named(org_a):
    return PersonFactory(organization=org_a, last_name="Согласнова", first_name="Вера", published=True)


@pytest.fixture
def hidden(org_b):
    return PersonFactory(organization=org_b, last_name="Скрытов", first_name="Олег", consented=True)


@pytest.fixture
def programme(org_a, named, hidden):
    event = EventFactory(organizers=[org_a], kind="conference")
    section = SectionFactory(event=event, title="Пленарное заседание")
    for title, speaker in (("Доклад с согласием", named), ("Доклад без согласия", hidden)):
        TalkFactory(section=section, title=title, abstract="Тезисы.", accepted=True, speakers=[speaker])
    return event


def _withdraw(person):
    Person.objects.filter(pk=person.pk).update(publication_consent_withdrawn_on=WITHDRAWN)


@pytest.mark.parametrize(
    "changes,shown",
    [
        ({}, True),
        ({"publication_consent_withdrawn_on": WITHDRAWN}, False),
        ({"processing_consent_withdrawn_on": WITHDRAWN}, False),
        ({"publication_consent_on": None}, False),
    ],
)
def test_public_speaker_follows_the_consent(org_a, changes, shown):
    person = PersonFactory(organization=org_a, published=True, position="учитель", **changes)
    speaker = public_speaker(person)
    assert speaker["named"] is shown
    assert (person.last_name in speaker["line"]) is shown
    assert (person.position in speaker["line"]) is shown
    assert org_a.short_name in speaker["line"]
    if not shown:
        assert speaker["line"] == _label(org_a) and speaker["name"] == ""


def test_event_page_names_only_consenting_speakers(client, programme, named, hidden, org_b):
    html = client.get(programme.get_absolute_url()).content.decode()
    assert named.full_name in html and named.position in html
    assert hidden.last_name not in html and hidden.first_name not in html
    assert _label(org_b) in html
    assert html.count('data-speaker="named"') == 1 and html.count('data-speaker="anonymous"') == 1


def test_event_page_hides_a_speaker_after_withdrawal(client, programme, named):
    _withdraw(named)
    html = client.get(programme.get_absolute_url()).content.decode()
    assert named.last_name not in html
    assert html.count('data-speaker="anonymous"') == 2


def test_the_public_page_is_the_same_for_the_organiser(client, programme, hidden, coordinator):
    client.force_login(coordinator)
    assert hidden.last_name not in client.get(programme.get_absolute_url()).content.decode()


def test_organiser_sees_the_names_on_management_pages(client, programme, named, hidden, coordinator):
    RegistrationFactory(event=programme, person=hidden)
    client.force_login(coordinator)
    html = client.get(reverse("events:programme", args=[programme.pk])).content.decode()
    assert named.full_name in html and hidden.full_name in html
    assert html.count("data-no-consent") == 1
    html = client.get(reverse("events:attendance", args=[programme.pk])).content.decode()
    assert hidden.full_name in html


def test_ical_and_api_carry_no_speakers(client, programme, named, hidden):
    for url in (reverse("events:ics", args=[programme.pk]), reverse("events:feed")):
        body = client.get(url).content.decode().replace("\r\n ", "")
        assert named.last_name not in body and hidden.last_name not in body
    listing = client.get("/api/v1/events/").content.decode()
    detail = client.get(f"/api/v1/events/{programme.pk}/").content.decode()
    for text in (listing, detail):
        assert str(programme.pk) in text
        assert named.last_name not in text and hidden.last_name not in text


def _build(client, event, coordinator, capture):
    client.force_login(coordinator)
    with capture(execute=True):
        client.post(reverse("events:proceedings_build", args=[event.pk]))
    assert Job.objects.filter(kind="events.proceedings").latest("pk").state == Job.State.SUCCEEDED
    client.logout()
    return Proceedings.objects.get(event=event)


def _docx_text(response):
    content = b"".join(response.streaming_content)
    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


def test_proceedings_name_only_consenting_speakers(
    client, programme, named, hidden, org_b, coordinator, django_capture_on_commit_callbacks, monkeypatch
):
    pages = []
    real = proceedings.render_to_string

    def spy(template, context):
        pages.append(real(template, context))
        return pages[-1]

    monkeypatch.setattr(proceedings, "render_to_string", spy)
    built = _build(client, programme, coordinator, django_capture_on_commit_callbacks)
    assert built.named_people == [named.pk]
    text = _docx_text(client.get(reverse("events:proceedings", args=[programme.pk, "docx"])))
    assert f"{named.full_name}, {named.position}, {named.organization.short_name}" in text
    assert hidden.last_name not in text and _label(org_b) in text
    (html,) = pages  # the PDF is rendered from this page
    assert named.full_name in html and hidden.last_name not in html and _label(org_b) in html
    response = client.get(reverse("events:proceedings", args=[programme.pk, "pdf"]))
    assert response.status_code == 200


def test_withdrawal_after_building_unpublishes_the_proceedings_until_rebuilt(
    client, programme, named, coordinator, django_capture_on_commit_callbacks
):
    _build(client, programme, coordinator, django_capture_on_commit_callbacks)
    url = reverse("events:proceedings", args=[programme.pk, "docx"])
    assert client.get(url).status_code == 200
    _withdraw(named)
    assert client.get(url).status_code == 404
    assert url not in client.get(programme.get_absolute_url()).content.decode()
    client.force_login(coordinator)  # the organisers still have the files, and are told to rebuild
    assert client.get(url).status_code == 200
    html = client.get(reverse("events:programme", args=[programme.pk])).content.decode()
    assert 'id="proceedings-withdrawn"' in html
    built = _build(client, programme, coordinator, django_capture_on_commit_callbacks)
    assert built.named_people == []
    response = client.get(url)
    assert response.status_code == 200 and named.last_name not in _docx_text(response)


def test_withdrawal_of_a_speaker_removed_from_the_programme_is_still_caught(
    client, programme, named, coordinator, django_capture_on_commit_callbacks
):
    _build(client, programme, coordinator, django_capture_on_commit_callbacks)
    named.talks.clear()
    _withdraw(named)
    assert client.get(reverse("events:proceedings", args=[programme.pk, "pdf"])).status_code == 404


def test_older_proceedings_count_every_speaker_as_named(programme, named, hidden):
    """The data migration: files built before consent checks named everyone, so they are withheld
    while one of their speakers has no consent."""
    from importlib import import_module

    from django.apps import apps

    built = Proceedings.objects.create(event=programme, docx="a.docx", pdf="a.pdf", abstracts=2)
    import_module("novator.events.migrations.0003_proceedings_named_people").name_every_speaker(apps, None)
    built.refresh_from_db()
    assert sorted(built.named_people) == sorted([named.pk, hidden.pk])
    assert proceedings.withdrawn(built)


def test_a_certificate_keeps_its_holders_name(programme, hidden, monkeypatch):
    """A certificate is the holder's own document: named whatever the publication consent."""
    programme.starts_at = timezone.now() - datetime.timedelta(days=2)
    programme.ends_at = timezone.now() - datetime.timedelta(days=1)
    programme.save()
    cert = Certificate.objects.create(event=programme, person=hidden, role="speaker", code="CONS-ENT0-0001")
    pages = []
    real = certificates.render_to_string
    monkeypatch.setattr(certificates, "render_to_string", lambda t, c: pages.append(real(t, c)) or pages[-1])
    assert certificates.render_pdf(cert, verify_url="https://example.org/v")[:5] == b"%PDF-"
    assert dative(hidden.full_name) in pages[0]
    assert "выдан" in pages[0] and "выдана" not in pages[0] and "М.П." in pages[0]


def test_event_page_queries_do_not_depend_on_consent(client, event, org_a, django_assert_num_queries):
    section = SectionFactory(event=event)
    TalkFactory(section=section, speakers=[PersonFactory(organization=org_a, published=True)])
    with django_assert_num_queries(7):
        client.get(event.get_absolute_url())
    for consent in ({"published": True}, {"consented": True}, {}):
        TalkFactory(section=section, speakers=PersonFactory.create_batch(2, organization=org_a, **consent))
    with django_assert_num_queries(7):
        html = client.get(event.get_absolute_url()).content.decode()
    assert html.count('data-speaker="named"') == 3 and html.count('data-speaker="anonymous"') == 4
