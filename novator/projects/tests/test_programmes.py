"""Programme pages: who may set it up, forms with bad input, measured results, the public timeline."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from novator.contests.tests.factories import ContestFactory
from novator.projects import services
from novator.projects.models import Programme, ProgrammeResult, ProgrammeStage
from novator.projects.tests.factories import ProgrammeFactory, ResultFactory, StageFactory

pytestmark = pytest.mark.django_db


def programme_data(place, over=None):
    data = {
        "title": "Программа",
        "goal": "Цель",
        "municipality": place.pk,
        "starts_on": "2021-09-01",
        "ends_on": "2024-08-31",
        "is_published": "on",
    }
    data.update(over or {})
    return data


def test_methodologist_creates_a_programme(client, methodologist, municipality):
    client.force_login(methodologist)
    response = client.post(reverse("projects:programme_create"), programme_data(municipality))
    programme = Programme.objects.get()
    assert response.status_code == 302 and response["Location"] == programme.get_absolute_url()


@pytest.mark.parametrize(
    "over",
    [
        {"title": ""},
        {"ends_on": "2020-01-01"},
        {"starts_on": "1 сентября"},
        {"municipality": "999999"},
        {"title": "x" * 501},
    ],
)
def test_programme_form_refuses_bad_input(client, methodologist, municipality, over):
    client.force_login(methodologist)
    response = client.post(reverse("projects:programme_create"), programme_data(municipality, over))
    assert response.status_code == 200 and response.context["form"].errors
    assert not Programme.objects.exists()


def test_another_municipality_cannot_be_chosen(client, methodologist, other_municipality):
    client.force_login(methodologist)
    response = client.post(reverse("projects:programme_create"), programme_data(other_municipality))
    assert response.status_code == 200 and not Programme.objects.exists()


@pytest.mark.parametrize("who", ["coordinator", "observer", "other_methodologist"])
def test_others_cannot_edit(client, municipality, request, who):
    programme = ProgrammeFactory(municipality=municipality)
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("projects:programme_edit", args=[programme.pk])).status_code == 403
    assert client.post(reverse("projects:stage_create", args=[programme.pk]), {}).status_code == 403


def test_a_draft_programme_is_hidden_from_the_public(client, municipality, methodologist):
    programme = ProgrammeFactory(municipality=municipality, draft=True)
    assert client.get(programme.get_absolute_url()).status_code == 403
    assert programme.title not in client.get(reverse("projects:programme_list")).content.decode()
    client.force_login(methodologist)
    assert client.get(programme.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"number": "1", "academic_year": "2022-2024", "title": "Этап", "weight": "1"}, "academic_year"),
        (
            {"number": "1", "academic_year": "2030/31", "title": "Этап", "weight": "1"},
            "academic_year",
        ),  # outside the term
        ({"number": "0", "academic_year": "2022/23", "title": "Этап", "weight": "1"}, "number"),
        ({"number": "1", "academic_year": "2022/23", "title": "Этап", "weight": "-1"}, "weight"),
        ({"number": "x", "academic_year": "2022/23", "title": "Этап", "weight": "1"}, "number"),
    ],
)
def test_stage_form_refuses_bad_input(client, methodologist, municipality, data, field):
    programme = ProgrammeFactory(municipality=municipality)
    client.force_login(methodologist)
    response = client.post(reverse("projects:stage_create", args=[programme.pk]), data)
    assert response.status_code == 200 and field in response.context["form"].errors
    assert not ProgrammeStage.objects.exists()


def test_a_second_stage_in_the_same_year_is_refused(methodologist, municipality):
    stage = StageFactory(
        programme=ProgrammeFactory(municipality=municipality), number=1, academic_year="2022/23"
    )
    with pytest.raises(ValidationError):
        services.stage_create(
            actor=methodologist,
            programme=stage.programme,
            data={"number": 2, "academic_year": "2022/23", "title": "Ещё", "weight": Decimal(1)},
        )


def test_result_linked_to_a_contest_through_the_form(client, methodologist, municipality):
    stage = StageFactory(programme=ProgrammeFactory(municipality=municipality), academic_year="2022/23")
    contest = ContestFactory(organiser_municipality=municipality, academic_year="2022/23")
    client.force_login(methodologist)
    url = reverse("projects:result_create", args=[stage.pk])
    assert f"contest.winners|{contest.pk}" in client.get(url).content.decode()
    data = {
        "title": "Победители",
        "measure": f"contest.winners|{contest.pk}",
        "planned_value": "5",
        "weight": "1",
        "position": "0",
    }
    assert client.post(url, data).status_code == 302
    result = ProgrammeResult.objects.get()
    assert (result.source, result.target, result.actual_value, result.unit) == (
        "contest.winners",
        str(contest.pk),
        None,
        "winners",
    )


@pytest.mark.parametrize(
    "over",
    [
        {"measure": "contest.winners|999999"},  # a contest that is not offered
        {"measure": "nonsense|1"},
        {"measure": "statuses.awarded|MIP", "actual_value": "3"},  # a measured result is not typed
        {"planned_value": "-1"},
        {"planned_value": "abc"},
        {"weight": "-0.5"},
        {"title": ""},
    ],
)
def test_result_form_refuses_bad_input(client, methodologist, municipality, over):
    stage = StageFactory(programme=ProgrammeFactory(municipality=municipality), academic_year="2022/23")
    client.force_login(methodologist)
    data = {"title": "Результат", "measure": "", "planned_value": "5", "weight": "1", "position": "0"}
    data.update(over)
    response = client.post(reverse("projects:result_create", args=[stage.pk]), data)
    assert response.status_code == 200
    assert not ProgrammeResult.objects.exists()


def test_delete_stage_and_result(client, methodologist, municipality):
    result = ResultFactory(stage=StageFactory(programme=ProgrammeFactory(municipality=municipality)))
    client.force_login(methodologist)
    client.post(reverse("projects:result_delete", args=[result.pk]))
    assert not ProgrammeResult.objects.exists()
    client.post(reverse("projects:stage_delete", args=[result.stage_id]))
    assert not ProgrammeStage.objects.exists()


def test_timeline_page_shows_stages_results_and_progress_escaped(client, municipality):
    stage = StageFactory(programme=ProgrammeFactory(municipality=municipality), title="<script>x</script>")
    ResultFactory(stage=stage, title="Конференция", planned_value=Decimal(1), actual_value=Decimal(1))
    body = client.get(stage.programme.get_absolute_url()).content.decode()
    assert "timeline-marker" in body and "Конференция" in body
    assert 'data-percent="100"' in body
    assert "<script>x</script>" not in body and "&lt;script&gt;x&lt;/script&gt;" in body
    assert " style=" not in body and "<script>" not in body.split("</head>")[1]
