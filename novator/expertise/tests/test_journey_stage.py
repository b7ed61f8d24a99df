"""The next step is always visible (issue #22): the stage guide on the commission page, the chair and the
secretary told (and shown on their home page) when the last sheet is in, the expert's home naming rounds."""

from __future__ import annotations

import pytest
from django.urls import reverse

from novator.contests.stages import contest_guide
from novator.expertise import services
from novator.notifications.models import Notification

from .factories import AssignmentFactory, publish, submit_sheet

pytestmark = pytest.mark.django_db


def _full(contest):
    actual, novelty = contest.criteria.order_by("position", "pk")
    return {actual.pk: {"points": "3", "comment": ""}, novelty.pk: {"points": "10", "comment": ""}}


def test_last_sheet_tells_chair_and_secretary_and_their_home_shows_it(
    client, contest, commission, applications, expert_profile, chair, methodologist
):
    secretary = methodologist  # the secretary is one of the organiser's methodologists
    commission.secretary = secretary
    commission.save()
    done = AssignmentFactory(application=applications[0], expert=chair)
    submit_sheet(done, [3, 10])
    last = AssignmentFactory(application=applications[1], expert=expert_profile)
    publish(commission)
    assert contest_guide(contest, user=chair.user).current == "expertise"
    assert not Notification.objects.filter(kind="expertise.assignment", user=secretary).exists()

    services.sheet_submit(
        actor=expert_profile.user, sheet=last.sheet, version=1, scores=_full(contest), conclusion="Да"
    )

    told = Notification.objects.filter(subject__startswith="All scoring sheets are submitted")
    assert {n.user_id for n in told} == {chair.user_id, secretary.pk}
    assert told.first().url == reverse("expertise:ranking", args=[contest.pk])
    guide = contest_guide(contest, user=chair.user)
    assert guide.current == "results"
    assert "confirm the results" in guide.action
    client.force_login(secretary)
    home = client.get("/").content.decode()
    assert 'id="home-awaiting-confirmation"' in home and contest.title in home


def test_commission_page_shows_the_stage_and_the_way_to_publish(client, methodologist, contest, commission):
    client.force_login(methodologist)
    page = client.get(reverse("expertise:commission", args=[contest.pk])).content.decode()
    assert 'id="stage-guide" data-stage="expertise"' in page
    assert "Form the commission, assign the experts and publish the assignments." in page
    assert "Publish them with the button under the table of assignments." in page


def test_commission_message_speaks_of_the_expert_in_her_gender(
    methodologist, contest, commission, municipality
):
    from django.test import Client

    from .factories import ExpertFactory

    expert = ExpertFactory(
        municipality=municipality,
        user__last_name="Сидорова",
        user__first_name="Анна",
        user__middle_name="Петровна",
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    client.force_login(methodologist)
    response = client.post(
        reverse("expertise:member_add", args=[contest.pk]), {"expert": expert.pk, "max_load": ""}, follow=True
    )
    page = response.content.decode()
    assert "Сидорова Анна Петровна включена в состав комиссии." in page
    assert "включен(а)" not in page


def test_ranking_says_in_plain_words_how_the_experts_agree(client, chair, contest, scored):
    client.force_login(chair.user)
    body = client.get(reverse("expertise:ranking", args=[contest.pk])).content.decode()
    plain = body.find("data-agreement-plain")
    details = body.find("<summary>", plain)
    assert plain > 0 and "The experts' scores:" in body[plain : plain + 300]
    # the statistics are one click away, not on the page's face
    assert details > plain
    for figure in ('data-figure="kendall-w"', 'data-figure="icc2"'):
        assert body.find(figure) > details
