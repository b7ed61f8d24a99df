"""The scoring sheet's workflow (`expertise/workflow.py`): the moves `allowed` offers each user are those
`perform` lets them make, and the sheet page draws its buttons from them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from novator.contests.models import ContestState
from novator.core.workflow import allowed
from novator.expertise import services
from novator.expertise.workflow import SHEET_TRANSITIONS

from .factories import AssignmentFactory, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def sheet(commission, applications, expert_profile):
    assignment = AssignmentFactory(application=applications[1], expert=expert_profile)
    publish(commission)
    return assignment.sheet


def moves(user, sheet):
    sheet.refresh_from_db()
    return [t.name for t in allowed(user, sheet, SHEET_TRANSITIONS)]


def _submit(sheet, expert_profile):
    actual, novelty = sheet.assignment.application.contest.criteria.order_by("position")
    return services.sheet_submit(
        actor=expert_profile.user,
        sheet=sheet,
        version=sheet.version,
        scores={actual.pk: {"points": "3"}, novelty.pk: {"points": "10"}},
        conclusion="Проект рекомендуется.",
    )


def test_the_expert_submits_a_draft_and_the_chair_reopens_a_submitted_sheet(sheet, expert_profile, chair):
    assert moves(expert_profile.user, sheet) == ["submit"]
    assert moves(chair.user, sheet) == []
    _submit(sheet, expert_profile)
    assert moves(expert_profile.user, sheet) == []
    assert moves(chair.user, sheet) == ["reopen"]
    services.sheet_reopen(actor=chair.user, sheet=sheet, reason="Проверьте баллы")
    assert moves(expert_profile.user, sheet) == ["submit"]


def test_no_move_once_the_expertise_is_closed_and_perform_says_why(sheet, expert_profile, contest):
    contest.state = ContestState.DECIDED
    contest.save(update_fields=["state"])
    assert moves(expert_profile.user, sheet) == []
    with pytest.raises(ValidationError, match="expertise of this contest is closed"):
        _submit(sheet, expert_profile)


def test_the_sheet_page_shows_the_buttons_of_the_allowed_moves(client, sheet, expert_profile, chair):
    url = reverse("expertise:sheet", args=[sheet.pk])
    client.force_login(expert_profile.user)
    page = client.get(url).content.decode()
    assert 'value="submit"' in page and reverse("expertise:sheet_reopen", args=[sheet.pk]) not in page
    _submit(sheet, expert_profile)
    page = client.get(url).content.decode()
    assert 'value="submit"' not in page
    client.force_login(chair.user)
    page = client.get(url).content.decode()
    assert reverse("expertise:sheet_reopen", args=[sheet.pk]) in page
