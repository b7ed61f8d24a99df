"""The readiness survey: anonymity by construction, the threshold of 5, double answers, bad input."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from novator.core.models import ActivityLog
from novator.organizations.tests.factories import OrganizationFactory
from novator.projects import selectors, services
from novator.projects.models import (
    MIN_GROUP,
    SurveyAnswer,
    SurveyItem,
    SurveyParticipation,
    SurveyResponse,
    SurveyRun,
)
from novator.projects.tests.factories import answer, make_run

pytestmark = pytest.mark.django_db
D = datetime.date


def test_the_default_questionnaire_has_four_scales_of_likert_items():
    questionnaire = services.questionnaire_default()
    scales = set(questionnaire.items.values_list("scale", flat=True))
    assert scales == {"motivation", "knowledge", "experience", "reflection"}
    assert questionnaire.items.count() == 16


def test_four_answers_are_hidden_five_are_shown(org_a):
    run = make_run(org_a)
    answer(run, 4)
    scores = selectors.run_scores(run)
    assert scores.respondents == 4 and not scores.shown and scores.scales == {} and scores.index is None
    answer(run, 1, prefix="late")
    scores = selectors.run_scores(run)
    assert scores.respondents == 5 and scores.shown
    assert scores.scales["motivation"] > 0


def test_reversed_items_are_scored_the_other_way(org_a):
    run = make_run(org_a)
    answer(run, 5, value=5)
    scores = selectors.run_scores(run)
    # the motivation scale has one reversed item among four: (5 + 5 + 5 + 1) / 4
    assert scores.scales["motivation"] == 4
    assert scores.scales["knowledge"] == 5
    assert scores.index == 94  # mean (4 + 5 + 5 + 5) / 4 = 4.75 → (4.75 − 1) / 4


def test_no_way_to_link_an_answer_to_a_person():
    """The stored answer has no field that points to a person, a participation or a moment."""
    for model in (SurveyResponse, SurveyAnswer):
        for field in model._meta.get_fields():
            if field.is_relation and field.related_model is not None:
                assert field.related_model in (SurveyRun, SurveyResponse, SurveyAnswer, SurveyItem), field
            assert not isinstance(field, models.DateField | models.DateTimeField), field
        assert model._meta.pk.get_internal_type() == "UUIDField"  # no order of insertion to correlate
    participation_fields = {f.name for f in SurveyParticipation._meta.get_fields()}
    assert participation_fields == {"id", "run", "token"}


def test_answering_records_nothing_about_who_answered(org_a, teacher):
    run = make_run(org_a)
    before = ActivityLog.objects.count()
    items = list(run.questionnaire.items.all())
    services.survey_response_submit(
        actor=teacher,
        run=run,
        answers={i.pk: 3 for i in items},
        participant=services.participant_key(teacher),
        today=D(2024, 3, 1),
    )
    assert ActivityLog.objects.count() == before
    token = SurveyParticipation.objects.get().token
    assert len(token) == 64 and set(token) <= set("0123456789abcdef")  # a keyed hash, nothing readable


def test_the_same_person_cannot_answer_twice(org_a, teacher):
    run = make_run(org_a)
    items = {i.pk: 4 for i in run.questionnaire.items.all()}
    key = services.participant_key(teacher)
    services.survey_response_submit(
        actor=teacher, run=run, answers=items, participant=key, today=D(2024, 3, 1)
    )
    with pytest.raises(ValidationError, match="already answered"):
        services.survey_response_submit(
            actor=teacher, run=run, answers=items, participant=key, today=D(2024, 3, 1)
        )
    assert SurveyResponse.objects.count() == 1


def test_closing_erases_the_salt_so_participation_cannot_be_recomputed(org_a, teacher, coordinator):
    run = make_run(org_a)
    key = services.participant_key(teacher)
    items = {i.pk: 4 for i in run.questionnaire.items.all()}
    services.survey_response_submit(
        actor=teacher, run=run, answers=items, participant=key, today=D(2024, 3, 1)
    )
    assert services.has_answered(run, key)
    run = services.survey_run_close(actor=coordinator, run=run)
    assert run.salt == ""
    assert not services.has_answered(run, key)
    with pytest.raises(ValidationError, match="closed"):
        services.survey_response_submit(
            actor=teacher, run=run, answers=items, participant="x", today=D(2024, 3, 1)
        )


@pytest.mark.parametrize(
    "bad",
    [{}, {"value": 0}, {"value": 6}, {"value": "5"}, {"value": True}, {"extra": True}],
)
def test_bad_answers_are_refused_and_nothing_is_stored(org_a, bad):
    run = make_run(org_a)
    items = list(run.questionnaire.items.all())
    answers = {} if bad == {} else {i.pk: bad.get("value", 3) for i in items}
    if bad.get("extra"):
        answers[999_999] = 3
    with pytest.raises(ValidationError):
        services.survey_response_submit(
            actor=None, run=run, answers=answers, participant="p", today=D(2024, 3, 1)
        )
    assert not SurveyResponse.objects.exists() and not SurveyParticipation.objects.exists()


def test_answers_after_the_closing_date_are_refused(org_a):
    run = make_run(org_a, closes_on=D(2024, 3, 1))
    with pytest.raises(ValidationError, match=r"until 01\.03\.2024"):
        answer(run, 1, today=D(2024, 3, 2))


def test_a_run_cannot_close_in_the_past_or_after_the_year(org_a):
    from novator.core.academic_year import AcademicYear

    with pytest.raises(ValidationError):
        services.survey_run_create(
            actor=None,
            organization=org_a,
            academic_year=AcademicYear(2023),
            closes_on=D(2024, 2, 1),
            today=D(2024, 3, 1),
        )
    with pytest.raises(ValidationError):
        services.survey_run_create(
            actor=None,
            organization=org_a,
            academic_year=AcademicYear(2023),
            closes_on=D(2024, 9, 1),
            today=D(2024, 3, 1),
        )


def test_municipality_results_leave_small_groups_out(municipality):
    big = make_run(OrganizationFactory(municipality=municipality))
    small = make_run(OrganizationFactory(municipality=municipality))
    answer(big, 5, value=4)
    answer(small, 4, value=1)
    results = selectors.municipality_results(municipality=municipality, academic_year="2023/24")
    assert results.total.respondents == 5  # the small group's answers are not in the total
    assert results.total.scales["knowledge"] == 4
    shown = {run.pk: s.shown for run, s in results.rows}
    assert shown == {big.pk: True, small.pk: False}


def test_readiness_scores_for_the_monitoring(municipality):
    big, small = (
        OrganizationFactory(municipality=municipality),
        OrganizationFactory(municipality=municipality),
    )
    answer(make_run(big), 6)
    answer(make_run(small), 2)
    scores = selectors.readiness_scores(academic_year="2023/24")
    assert set(scores) == {big.pk}
    assert scores[big.pk].respondents == 6 and scores[big.pk].index is not None


# --- pages -------------------------------------------------------------------------------------


@pytest.fixture
def run(org_a, today):
    return make_run(org_a)


def test_teacher_answers_on_the_page_once(client, run, teacher):
    client.force_login(teacher)
    url = reverse("projects:survey_answer", args=[run.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = {f"item_{i.pk}": "4" for i in run.questionnaire.items.all()}
    response = client.post(url, data)
    assert response.status_code == 302
    assert SurveyResponse.objects.count() == 1
    again = client.post(url, data, follow=True)
    assert "already answered" in again.content.decode()
    assert SurveyResponse.objects.count() == 1


@pytest.mark.parametrize("value", ["0", "6", "abc", "<script>alert(1)</script>", ""])
def test_answer_form_bad_input(client, run, teacher, value):
    client.force_login(teacher)
    data = {f"item_{i.pk}": "4" for i in run.questionnaire.items.all()}
    first = run.questionnaire.items.first()
    data[f"item_{first.pk}"] = value
    response = client.post(reverse("projects:survey_answer", args=[run.pk]), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "Choose" in body
    assert not SurveyResponse.objects.exists()


def test_results_page_hides_small_groups_and_shows_five(client, run, coordinator):
    client.force_login(coordinator)
    answer(run, 4)
    body = client.get(run.get_absolute_url()).content.decode()
    assert "results are shown only for groups of at least 5" in body
    assert "readiness-data" not in body
    answer(run, 1, prefix="fifth")
    body = client.get(run.get_absolute_url()).content.decode()
    assert "readiness-data" in body and "Readiness index" in body


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("coordinator", 200),
        ("methodologist", 200),
        ("observer", 200),
        ("coordinator_b", 403),
        ("other_methodologist", 403),
        ("expert", 403),
    ],
)
def test_results_page_per_role(client, run, request, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(run.get_absolute_url()).status_code == status


def test_anonymous_is_sent_to_log_in(client, run):
    assert client.get(run.get_absolute_url()).status_code == 302


def test_another_organisations_teacher_cannot_answer(client, run, org_b):
    from novator.accounts.models import Role
    from novator.accounts.tests.factories import RoleAssignmentFactory, UserFactory

    stranger = UserFactory()
    RoleAssignmentFactory(user=stranger, role=Role.TEACHER, organization=org_b)
    client.force_login(stranger)
    assert client.get(reverse("projects:survey_answer", args=[run.pk])).status_code == 403


def test_start_form_bad_input(client, coordinator, org_a, org_b, today):
    client.force_login(coordinator)
    url = reverse("projects:survey_create")
    for data in (
        {"organization": org_a.pk, "academic_year": "2023-2025", "closes_on": "2024-05-01"},
        {"organization": org_a.pk, "academic_year": "2023/24", "closes_on": "01.05.2024x"},
        {"organization": org_b.pk, "academic_year": "2023/24", "closes_on": "2024-05-01"},  # not theirs
        {"organization": org_a.pk, "academic_year": "2023/24", "closes_on": "2024-01-01"},  # in the past
    ):
        response = client.post(url, data)
        assert response.status_code == 200, data
        assert response.context["form"].errors, data
    assert not SurveyRun.objects.exists()
    response = client.post(
        url, {"organization": org_a.pk, "academic_year": "2023/24", "closes_on": "2024-05-01"}
    )
    assert response.status_code == 302
    assert SurveyRun.objects.get().organization == org_a


@pytest.mark.parametrize("count", [1, 5])
def test_survey_list_query_count_does_not_grow(
    client, teacher, org_a, municipality, today, django_assert_max_num_queries, count
):
    for year in range(2015, 2015 + count):
        from novator.core.academic_year import AcademicYear

        services.survey_run_create(
            actor=None,
            organization=org_a,
            academic_year=AcademicYear(year),
            closes_on=D(year + 1, 5, 1),
            today=D(year, 9, 1),
        )
    client.force_login(teacher)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("projects:survey_list")).status_code == 200


def test_municipality_page(client, methodologist, municipality, run, other_municipality):
    answer(run, 5)
    client.force_login(methodologist)
    url = reverse("projects:survey_municipality", args=[municipality.pk])
    response = client.get(url, {"year": "2023/24"})
    assert response.status_code == 200 and "readiness-municipality" in response.content.decode()
    assert client.get(url, {"year": "<b>1999</b>"}).status_code == 200
    assert (
        client.get(reverse("projects:survey_municipality", args=[other_municipality.pk])).status_code == 403
    )
    assert MIN_GROUP == 5
