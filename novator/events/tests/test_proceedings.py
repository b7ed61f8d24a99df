"""The proceedings of a conference from its accepted abstracts, as DOCX and PDF."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from docx import Document

from novator.core.docx_check import gost_problems
from novator.core.models import Job
from novator.events import proceedings
from novator.events.models import Event, Proceedings
from novator.organizations.tests.factories import OrganizationFactory, PersonFactory

from .factories import EventFactory, SectionFactory, TalkFactory


@pytest.fixture
def conference(org_a, org_b):
    event = EventFactory(organizers=[org_a], kind="conference", title="Инновации <в> образовании")
    plenary = SectionFactory(event=event, title="Пленарное заседание", order=0)
    preschool = SectionFactory(event=event, title="Секция дошкольного образования", order=1)
    SectionFactory(event=event, title="Секция без принятых тезисов", order=2)
    speaker = PersonFactory(
        organization=org_a,
        last_name="Смирнова",
        first_name="Анна",
        middle_name="Викторовна",
        position="учитель",
        published=True,
    )
    # no consent to publication: the proceedings show only the organisation
    guest = PersonFactory(organization=org_b, last_name="Гостев", first_name="Пётр", middle_name="")
    TalkFactory(
        section=plenary,
        title="Функциональная грамотность",
        abstract="Первый абзац тезисов.\n\nВторой абзац & <теги>.",
        accepted=True,
        speakers=[speaker, guest],
    )
    TalkFactory(section=plenary, title="Непринятый доклад", abstract="Черновик", accepted=False)
    TalkFactory(
        section=preschool, title="STEM в детском саду", abstract="Опыт.", accepted=True, speakers=[guest]
    )
    return event


def test_context_has_only_accepted_abstracts_by_section(conference):
    ctx = proceedings.context(conference)
    assert [s["title"] for s in ctx["sections"]] == ["Пленарное заседание", "Секция дошкольного образования"]
    first = ctx["sections"][0]["talks"]
    assert [t["title"] for t in first] == ["Функциональная грамотность"]
    assert first[0]["authors_short"] == "Смирнова А.В."  # only who consented to publication
    assert first[0]["contents_line"] == "Смирнова А.В. Функциональная грамотность"
    assert [a["named"] for a in first[0]["authors"]] == [False, True]  # alphabetical
    assert "Гостев" not in str(ctx)
    assert first[0]["paragraphs"] == ["Первый абзац тезисов.", "Второй абзац & <теги>."]
    assert ctx["count"] == 2 and ctx["kind"] == "материалы конференции"


@pytest.fixture
def built(client, conference, coordinator, django_capture_on_commit_callbacks):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("events:proceedings_build", args=[conference.pk]))
    job = Job.objects.get(kind="events.proceedings")
    assert response.status_code == 302 and response["Location"] == reverse("core:job_detail", args=[job.pk])
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED and job.done == job.total == 3
    assert job.result_url.startswith(conference.get_absolute_url())
    client.logout()
    return Proceedings.objects.get(event=conference)


def test_docx_download(client, conference, built):
    assert built.abstracts == 2
    response = client.get(reverse("events:proceedings", args=[conference.pk, "docx"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    document = Document(io.BytesIO(b"".join(response.streaming_content)))
    assert gost_problems(document) == []
    text = "\n".join(p.text for p in document.paragraphs)
    assert "СБОРНИК МАТЕРИАЛОВ" in text and "«Инновации <в> образовании»" in text
    assert "Второй абзац & <теги>." in text
    assert "Смирнова Анна Викторовна, учитель, МБОУ СОШ № 1 ст. Выселки" in text
    assert "Непринятый доклад" not in text and "Секция без принятых тезисов" not in text
    assert "{{" not in text and "{%" not in text


def test_pdf_download(client, conference, built):
    response = client.get(reverse("events:proceedings", args=[conference.pk, "pdf"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content)[:5] == b"%PDF-"
    html = client.get(conference.get_absolute_url()).content.decode()
    assert reverse("events:proceedings", args=[conference.pk, "pdf"]) in html


def test_rebuilding_replaces_the_files(conference, coordinator, built, django_capture_on_commit_callbacks):
    from django.core.files.storage import default_storage

    old = [built.docx.name, built.pdf.name]
    with django_capture_on_commit_callbacks(execute=True):
        proceedings.build(conference, actor=coordinator)
    fresh = Proceedings.objects.get(event=conference)
    assert Proceedings.objects.count() == 1
    assert all(default_storage.exists(n) for n in (fresh.docx.name, fresh.pdf.name))
    assert not any(default_storage.exists(n) for n in old if n not in (fresh.docx.name, fresh.pdf.name))


def test_nothing_to_download_before_building(client, conference):
    assert client.get(reverse("events:proceedings", args=[conference.pk, "pdf"])).status_code == 404
    assert (
        reverse("events:proceedings", args=[conference.pk, "pdf"])
        not in client.get(conference.get_absolute_url()).content.decode()
    )


def test_building_needs_accepted_abstracts_and_an_organiser(client, org_a, coordinator, teacher, conference):
    bare = EventFactory(organizers=[org_a])
    TalkFactory(section=SectionFactory(event=bare), accepted=False)
    client.force_login(coordinator)
    response = client.post(reverse("events:proceedings_build", args=[bare.pk]), follow=True)
    assert response.status_code == 200 and not Job.objects.exists()
    client.force_login(teacher)
    assert client.post(reverse("events:proceedings_build", args=[conference.pk])).status_code == 403
    assert not Job.objects.exists()


def test_bad_format_and_hidden_events(client, org_a, coordinator, conference, built):
    assert client.get(reverse("events:proceedings", args=[conference.pk, "exe"])).status_code == 404
    Event.objects.filter(pk=conference.pk).update(is_published=False)
    assert client.get(reverse("events:proceedings", args=[conference.pk, "docx"])).status_code == 404


def test_a_large_conference_renders(org_a):
    """100 abstracts render (in a background job: about 5 s for the PDF, too long for a request)."""
    event = EventFactory(organizers=[org_a], kind="conference")
    orgs = OrganizationFactory.create_batch(5)
    for s in range(5):
        section = SectionFactory(event=event, order=s)
        for _ in range(20):
            TalkFactory(
                section=section,
                abstract="Тезисы доклада. " * 60,
                accepted=True,
                speakers=[PersonFactory(organization=orgs[s])],
            )
    assert proceedings.render_docx(event)[:2] == b"PK"
    assert proceedings.render_pdf(event)[:5] == b"%PDF-"
