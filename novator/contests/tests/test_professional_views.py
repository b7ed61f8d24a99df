"""Professional contests on the pages and in the API: nomination form, rounds set-up, consent-aware
publication of results, diplomas and their public verification."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from novator.contests import services
from novator.contests.models import Application, Diploma, Distinction, Round, RoundEntry
from novator.organizations.tests.factories import OrganizationFactory, PersonFactory

from .factories import ApplicationFactory, professional_contest


@pytest.fixture
def pro(municipality: Any) -> Any:
    return professional_contest(organiser_municipality=municipality, announced=True, min_experience_years=3)


def test_nomination_form_starts_a_nomination(client: Client, pro: Any, coordinator: Any, org_a: Any) -> None:
    person: Any = PersonFactory(organization=org_a, consented=True)
    client.force_login(coordinator)
    page = client.get(reverse("contests:apply", args=[pro.pk]))
    assert page.status_code == 200 and b'name="applicant"' in page.content
    response = client.post(
        reverse("contests:apply", args=[pro.pk]),
        {
            "organization": org_a.pk,
            "category": pro.categories.first().pk,
            "project_title": "Тема опыта",
            "applicant": person.pk,
            "experience_years": "7",
        },
    )
    assert response.status_code == 302
    application = Application.objects.get(contest=pro)
    assert application.applicant == person and application.experience_years == 7


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"experience_years": "2"}, "experience_years"),
        ({"experience_years": "-1"}, "experience_years"),
        ({"experience_years": "abc"}, "experience_years"),
        ({"applicant": "999999"}, "applicant"),
        ({"applicant": "other"}, "applicant"),
        ({"applicant": "admin"}, "applicant"),
    ],
)
def test_nomination_form_bad_input_changes_nothing(
    client: Client, pro: Any, coordinator: Any, org_a: Any, org_b: Any, change: dict, field: str
) -> None:
    person: Any = PersonFactory(organization=org_a, consented=True)
    stranger: Any = PersonFactory(organization=org_b, consented=True)
    head: Any = PersonFactory(organization=org_a, consented=True, position="директор")
    data = {
        "organization": org_a.pk,
        "category": pro.categories.first().pk,
        "project_title": "<script>alert(1)</script>",
        "applicant": person.pk,
        "experience_years": "7",
        **change,
    }
    data["applicant"] = {"other": stranger.pk, "admin": head.pk}.get(data["applicant"], data["applicant"])
    client.force_login(coordinator)
    response = client.post(reverse("contests:apply", args=[pro.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors.get(field)
    assert not Application.objects.filter(contest=pro).exists()


def test_rounds_set_up_page(client: Client, municipality: Any, methodologist: Any, contest: Any) -> None:
    draft = professional_contest(organiser_municipality=municipality)
    client.force_login(methodologist)
    url = reverse("contests:setup", args=[draft.pk, "rounds"])
    assert client.get(url).status_code == 200
    bad = client.post(
        url,
        {
            "title": "",
            "format": "remote",
            "starts_on": "2026-13-01",
            "ends_on": "",
            "advance_rule": "top",
            "advance_value": "x",
        },
    )
    assert bad.status_code == 200 and bad.context["form"].errors
    good = client.post(
        url,
        {
            "title": "Финал",
            "format": "in_person",
            "starts_on": "2026-12-01",
            "ends_on": "2026-12-02",
            "advance_rule": "top",
            "advance_value": "1",
        },
    )
    assert good.status_code == 302
    assert Round.objects.filter(contest=draft).count() == 3
    # a status contest has no rounds page
    assert client.get(reverse("contests:setup", args=[contest.pk, "rounds"])).status_code == 404


def test_contest_form_keeps_professional_settings(
    client: Client, municipality: Any, methodologist: Any
) -> None:
    client.force_login(methodologist)
    now = datetime.datetime(2026, 10, 1, 9, 0)
    response = client.post(
        reverse("contests:create"),
        {
            "kind": "professional",
            "title": "Воспитатель года — 2027",
            "organiser_municipality": municipality.pk,
            "academic_year": "2026/27",
            "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + datetime.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M"),
            "threshold_kind": "points",
            "threshold_value": "0",
            "experts_per_application": "3",
            "status_term_years": "1",
            "series": "Воспитатель года",
            "min_experience_years": "3",
            "exclude_winners_years": "-2",
            "score_formula": "last",
            "laureates_per_nomination": "3",
        },
    )
    assert response.status_code == 200  # a negative number of years is refused
    assert "exclude_winners_years" in response.context["form"].errors


# ---------------------------------------------------------------------------------------------------
# Publication


@pytest.fixture
def published(municipality: Any, methodologist: Any) -> Any:
    contest = professional_contest(organiser_municipality=municipality, decided=True)
    final = contest.rounds.get(position=2)
    consenting = PersonFactory(
        consented=True,
        publication_consent_on=datetime.date(2024, 9, 1),
        last_name="Согласнова",
        organization=OrganizationFactory(municipality=municipality),
    )
    private = PersonFactory(
        consented=True, last_name="Скрытова", organization=OrganizationFactory(municipality=municipality)
    )
    rows = []
    for person, rank, kind in ((consenting, 1, Distinction.WINNER), (private, 2, Distinction.LAUREATE)):
        application: Any = ApplicationFactory(
            contest=contest,
            organization=person.organization,
            applicant=person,
            category=contest.categories.first(),
            accepted=True,
            rank=rank,
            total=30 - rank,
            awarded=True,
            distinction=kind,
            project_title=f"Опыт {person.last_name}",
        )
        RoundEntry.objects.create(round=contest.rounds.get(position=1), application=application, rank=rank)
        RoundEntry.objects.create(round=final, application=application, rank=rank)
        rows.append(application)
    services.contest_transition(actor=methodologist, contest=contest, name="publish_results")
    return contest, rows


def test_public_page_shows_names_only_with_consent(client: Client, published: Any) -> None:
    contest, (_winner, laureate) = published
    page = client.get(contest.get_absolute_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert "Согласнова" in text
    assert "Скрытова" not in text and "Опыт Скрытова" not in text
    assert laureate.organization.short_name in text


def test_api_results_are_consent_aware_and_name_nomination_and_round(
    client: Client, published: Any, django_assert_max_num_queries: Any
) -> None:
    contest, (winner, laureate) = published
    with django_assert_max_num_queries(5):
        response = client.get(f"/api/v1/contests/{contest.pk}/results/")
    assert response.status_code == 200
    rows = {row["id"]: row for row in response.json()["results"]}
    assert rows[winner.pk]["nominee"] == winner.applicant.full_name
    assert rows[winner.pk]["nomination"]["name"] == "Математика"
    assert rows[winner.pk]["round"]["position"] == 2
    assert rows[winner.pk]["distinction"] == "winner"
    assert rows[laureate.pk]["nominee"] is None and rows[laureate.pk]["project_title"] is None
    assert rows[laureate.pk]["organization"]["id"] == laureate.organization_id
    assert "Скрытова" not in response.content.decode()
    listing = client.get("/api/v1/contests/", {"kind": "professional"}).json()["results"]
    assert [c["kind"] for c in listing] == ["professional"]


def test_results_query_count_does_not_grow(
    client: Client, published: Any, django_assert_max_num_queries: Any
) -> None:
    contest, _rows = published
    for _ in range(5):
        person = PersonFactory(
            consented=True, organization=OrganizationFactory(municipality=contest.organiser_municipality)
        )
        app: Any = ApplicationFactory(
            contest=contest, organization=person.organization, applicant=person, accepted=True
        )
        RoundEntry.objects.create(round=contest.rounds.get(position=1), application=app)
    with django_assert_max_num_queries(5):
        assert client.get(f"/api/v1/contests/{contest.pk}/results/").status_code == 200


def test_diplomas_are_verified_publicly_and_downloaded_by_the_organisation(
    client: Client, published: Any, methodologist: Any, coordinator: Any
) -> None:
    _contest, (_winner, laureate) = published
    diploma = Diploma.objects.get(application=laureate)
    page = client.get(reverse("contests:diploma_verify", args=[diploma.code]))  # the diploma's link
    assert page.status_code == 200 and diploma.code in page.content.decode()
    assert b'id="diploma-valid"' not in page.content and "Скрытова" not in page.content.decode()
    check = reverse("contests:diploma_verify_form")
    by_form = client.post(check, {"code": diploma.code.lower(), "surname": "скрытова"})
    html = by_form.content.decode()
    assert by_form.status_code == 200 and 'id="diploma-valid"' in html
    # the answer names nothing the asker did not type: no first name, no organisation
    assert laureate.applicant.first_name not in html and laureate.organization.short_name not in html
    wrong = client.post(check, {"code": diploma.code, "surname": "Согласнова"})
    assert wrong.status_code == 404 and b'id="diploma-invalid"' in wrong.content
    assert laureate.organization.short_name not in wrong.content.decode()
    missing = client.post(check, {"code": "<script>x</script>", "surname": "Скрытова"})
    assert missing.status_code == 404 and b"<script>x" not in missing.content
    no_surname = client.post(check, {"code": diploma.code})
    assert no_surname.status_code == 200 and "surname" in no_surname.context["form"].errors
    url = reverse("contests:diploma_download", args=[diploma.code])
    assert client.get(url).status_code == 302  # login first
    client.force_login(coordinator)  # another organisation's coordinator
    assert client.get(url).status_code == 403
    client.force_login(methodologist)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_diploma_html_names_the_kind(published: Any) -> None:
    from novator.contests import diplomas

    _contest, (winner, _laureate) = published
    html = diplomas.diploma_html(Diploma.objects.get(application=winner), verify_url="http://x/")
    with translation.override("ru"):  # diplomas are always rendered in Russian
        expected = gettext("DIPLOMA OF THE WINNER")
    assert expected in html and winner.applicant.full_name in html


def test_diplomas_name_the_prize_winner_the_issuer_and_the_signature(published: Any) -> None:
    from novator.contests import diplomas
    from novator.core.names import dative
    from novator.documents import selectors, services

    contest, (winner, laureate) = published
    issuer = selectors.issuer_for(contest.organiser)
    services.requisites_save(
        actor=None,
        requisites=issuer,
        data={
            "full_name": "УПРАВЛЕНИЕ ОБРАЗОВАНИЯ АДМИНИСТРАЦИИ МУНИЦИПАЛЬНОГО ОБРАЗОВАНИЯ ВЫСЕЛКОВСКИЙ РАЙОН",
            "short_name": "Управление образования",
            "place": "ст-ца Выселки",
            "head_position": "Начальник управления образования",
            "head_name": "Коваленко Ирина Викторовна",
            "preparer_position": "Методист",
            "preparer_name": "Сердюк Наталья Александровна",
            "preparer_phone": "8 (86157) 7-34-12",
        },
    )
    second = diplomas.diploma_html(Diploma.objects.get(application=laureate), verify_url="http://x/")
    assert "ДИПЛОМ ПРИЗЁРА (II место)" in second and "ЛАУРЕАТ" not in second and "2 место" not in second
    assert "награждается" in second and laureate.applicant.full_name in second
    assert "ВЫСЕЛКОВСКИЙ РАЙОН" in second and "И.В. Коваленко" in second and "М.П." in second
    assert "ст-ца Выселки, " in second
    diploma = Diploma.objects.get(application=winner)
    diploma.kind = Distinction.PARTICIPANT
    participant = diplomas.diploma_html(diploma, verify_url="http://x/")
    assert "СЕРТИФИКАТ УЧАСТНИКА" in participant
    holder = winner.applicant
    assert '<p class="lead">выдан</p>' in participant
    assert dative(holder.full_name) in participant


def test_public_results_page_query_count_does_not_grow(
    client: Client, published: Any, django_assert_max_num_queries: Any
) -> None:
    contest, _rows = published
    url = contest.get_absolute_url()
    with django_assert_max_num_queries(14) as first:
        assert client.get(url).status_code == 200
    for _ in range(4):
        person: Any = PersonFactory(
            consented=True, organization=OrganizationFactory(municipality=contest.organiser_municipality)
        )
        app: Any = ApplicationFactory(
            contest=contest,
            organization=person.organization,
            applicant=person,
            accepted=True,
            distinction="participant",
        )
        RoundEntry.objects.create(round=contest.rounds.get(position=1), application=app)
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert client.get(url).status_code == 200


def test_the_results_notification_of_a_professional_contest_names_the_distinction_not_a_status(
    published: Any, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from novator.expertise import notifications

    contest, (winner, _laureate) = published
    winner.organization.email = "school@example.org"
    winner.organization.save()
    with django_capture_on_commit_callbacks(execute=True):
        notifications.results_published(contest, [winner])
    bodies = " ".join(message.body for message in mailoutbox)
    assert str(winner.get_distinction_display()) in bodies
    assert gettext("awarded") not in bodies
