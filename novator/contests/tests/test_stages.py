"""The contest's stage guide and its state in the words of its window (issue #22)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from novator.contests.models import ApplicationState, ContestState
from novator.contests.outcomes import application_outcome
from novator.contests.stages import contest_guide, phase_label

from .factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def test_draft_contest_guides_its_organiser_to_announce(draft_contest, methodologist, coordinator):
    guide = contest_guide(draft_contest, user=methodologist)
    assert guide.current == "setup"
    assert [s.status for s in guide.steps][:2] == ["current", "todo"]
    assert "announce the contest" in guide.action
    assert contest_guide(draft_contest, user=coordinator).action == ""


def test_after_the_deadline_the_contest_is_no_longer_just_announced(contest, methodologist, org_a):
    now = timezone.now()
    contest.opens_at, contest.closes_at = now - datetime.timedelta(days=10), now - datetime.timedelta(days=1)
    contest.save()
    ApplicationFactory(contest=contest, organization=org_a, state=ApplicationState.SUBMITTED)
    assert phase_label(contest) == "Applications closed"
    guide = contest_guide(contest, user=methodologist)
    assert guide.current == "formal_check"
    assert [s.status for s in guide.steps][:3] == ["done", "done", "current"]
    closes = timezone.localtime(contest.closes_at).strftime("%d.%m.%Y")
    assert guide.action.startswith(f"Applications closed on {closes} — finish the formal check (1 waiting)")


def test_before_the_window_the_page_says_when_it_opens(client, contest, coordinator):
    contest.opens_at = timezone.now() + datetime.timedelta(days=3)
    contest.closes_at = timezone.now() + datetime.timedelta(days=30)
    contest.save()
    day = timezone.localtime(contest.opens_at).strftime("%d.%m.%Y")
    assert phase_label(contest) == f"Applications open on {day}"
    client.force_login(coordinator)
    page = client.get(contest.get_absolute_url()).content.decode()
    assert f"opens on {day}" in page
    assert f"Applications will be accepted from {day}" in page
    assert "Announced" not in page


def test_coordinator_is_told_to_submit_their_draft(client, contest, coordinator, org_a):
    application = ApplicationFactory(contest=contest, organization=org_a)
    client.force_login(coordinator)
    page = client.get(contest.get_absolute_url()).content.decode()
    assert "Fill in your application and submit it by" in page
    assert application.get_absolute_url() in page


def test_outcome_of_a_published_application(contest, org_a):
    application = ApplicationFactory(contest=contest, organization=org_a, accepted=True)
    assert application_outcome(application) == ""  # results not published
    contest.state = ContestState.PUBLISHED
    contest.order_number, contest.order_date = "15-о", datetime.date(2027, 3, 1)
    contest.save()
    application.total = contest.threshold_points - 1
    assert application_outcome(application) == "Not recommended: below the pass mark"
    application.total = contest.threshold_points
    assert application_outcome(application) == "Not recommended: outside the quota of winners"
    application.awarded = True
    abbreviation = contest.status_kind.abbreviation
    assert application_outcome(application) == f"Status {abbreviation} awarded (order of 01.03.2027 № 15-о)"


def test_coordinator_sees_the_outcome_in_my_applications_and_on_the_application(
    client, contest, coordinator, org_a
):
    from django.urls import reverse

    application = ApplicationFactory(contest=contest, organization=org_a, accepted=True)
    contest.state = ContestState.PUBLISHED
    contest.order_number, contest.order_date = "15-о", datetime.date(2027, 3, 1)
    contest.save()
    application.total, application.awarded = contest.threshold_points, True
    application.save()
    expected = f"Status {contest.status_kind.abbreviation} awarded (order of 01.03.2027 № 15-о)"
    client.force_login(coordinator)
    assert expected in client.get(reverse("contests:my_applications")).content.decode()
    assert expected in client.get(application.get_absolute_url()).content.decode()
