"""Deliberation: the discussion of an application (who reads it and when), the spread rule before the
results are confirmed, and the chair's consolidated conclusion for the applicant and the minutes."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from novator.contests.models import ContestState
from novator.expertise import services
from novator.expertise.models import CommissionMember, Deliberation, DiscussionComment
from novator.notifications.models import Notification

from .factories import MINUTES, AssignmentFactory, ConflictDeclarationFactory, publish, submit_sheet

pytestmark = pytest.mark.django_db


@pytest.fixture
def third(commission):
    return CommissionMember.objects.get(commission=commission, expert__user__last_name="Третья").expert


@pytest.fixture
def disputed(commission, applications, expert_profile, third, contest):
    """Application 0 (org_a's) scored 7.5 by the `expert` user and 2.5 by the third member (spread 5 of 8
    > 30 %); the others agree. Published."""
    contest.spread_threshold_percent = 30
    contest.save()
    submit_sheet(AssignmentFactory(application=applications[0], expert=expert_profile), [3, 9])
    submit_sheet(AssignmentFactory(application=applications[0], expert=third), [1, 3])
    submit_sheet(AssignmentFactory(application=applications[1], expert=expert_profile), [3, 9])
    submit_sheet(AssignmentFactory(application=applications[1], expert=third), [3, 8])
    submit_sheet(AssignmentFactory(application=applications[2], expert=expert_profile), [2, 8])
    submit_sheet(AssignmentFactory(application=applications[2], expert=third), [2, 7])
    publish(commission)
    return applications[0]


def page(application):
    return reverse("expertise:discussion", args=[application.pk])


# --- who reads the discussion --------------------------------------------------------------------


def test_an_assigned_expert_reads_the_discussion_only_after_submitting_their_own_sheet(
    client, commission, applications, expert, expert_profile
):
    assignment = AssignmentFactory(application=applications[1], expert=expert_profile)
    publish(commission)
    client.force_login(expert)
    assert client.get(page(applications[1])).status_code == 403
    with pytest.raises(PermissionDenied):
        services.discussion_comment_add(actor=expert, application=applications[1], text="Моё мнение")
    submit_sheet(assignment, [3, 8])
    assert client.get(page(applications[1])).status_code == 200


@pytest.mark.parametrize("who", ["conflicted", "outsider", "coordinator", "methodologist", "anonymous"])
def test_the_discussion_is_closed_to_everyone_else(
    client, disputed, who, conflicted, outsider, coordinator, methodologist
):
    """A conflicted member (even with a submitted sheet), an unassigned expert, the applicant's
    coordinator, the organiser, an anonymous visitor: none reads or writes."""
    if who == "conflicted":
        assignment = AssignmentFactory(application=disputed, expert=conflicted)
        submit_sheet(assignment, [3, 8])
        ConflictDeclarationFactory(application=disputed, expert=conflicted)
    DiscussionComment.objects.create(
        application=disputed, author=None, text="Секретное мнение", created_at=timezone.now()
    )
    users = {
        "conflicted": conflicted.user,
        "outsider": outsider.user,
        "coordinator": coordinator,
        "methodologist": methodologist,
    }
    if who != "anonymous":
        client.force_login(users[who])
    response = client.get(page(disputed))
    assert response.status_code in (302, 403, 404)
    assert "Секретное мнение" not in response.content.decode()
    response = client.post(page(disputed), {"action": "comment", "text": "Пишу"})
    assert response.status_code in (302, 403, 404)
    assert not DiscussionComment.objects.filter(text="Пишу").exists()


def test_the_applicant_never_sees_the_discussion_on_the_application_page(
    client, disputed, chair, coordinator, contest
):
    services.discussion_comment_add(actor=chair.user, application=disputed, text="Мнение председателя")
    contest.state = ContestState.PUBLISHED
    contest.save()
    client.force_login(coordinator)
    body = client.get(disputed.get_absolute_url()).content.decode()
    assert "Мнение председателя" not in body


# --- comments ------------------------------------------------------------------------------------


def test_a_comment_notifies_the_other_participants_and_script_is_escaped(
    client, disputed, expert, third, chair
):
    client.force_login(expert)
    response = client.post(
        page(disputed),
        {"action": "comment", "text": "<script>alert(1)</script> Оценки расходятся"},
        follow=True,
    )
    body = response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Оценки расходятся" in body
    assert "<script>alert(1)</script>" not in body
    notified = set(Notification.objects.filter(kind="expertise.discussion").values_list("user_id", flat=True))
    assert notified == {third.user_id, chair.user_id}


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "Write the comment."), ("   \n ", "Write the comment."), ("я" * 4001, "At most 4000 characters")],
)
def test_an_empty_or_too_long_comment_gets_a_message_and_changes_nothing(
    client, disputed, expert, text, message
):
    client.force_login(expert)
    response = client.post(page(disputed), {"action": "comment", "text": text})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not DiscussionComment.objects.exists()
    assert not Notification.objects.filter(kind="expertise.discussion").exists()


def test_no_comment_after_the_expertise(disputed, chair, contest):
    contest.state = ContestState.DECIDED
    contest.save()
    with pytest.raises(ValidationError, match="only during the expertise"):
        services.discussion_comment_add(actor=chair.user, application=disputed, text="Поздно")


# --- the spread rule -----------------------------------------------------------------------------


def test_a_disputed_application_blocks_confirming_the_results_until_discussed(
    disputed, chair, contest, expert
):
    with pytest.raises(ValidationError) as exc:
        services.results_confirm(actor=chair.user, contest=contest, **MINUTES)
    assert str(disputed) in str(exc.value) and "30 % of the maximum" in str(exc.value)
    contest.refresh_from_db()
    assert contest.state == ContestState.EXPERTISE
    disputed.refresh_from_db()
    assert disputed.total is None  # nothing written
    services.discussion_comment_add(actor=expert, application=disputed, text="Второй эксперт строже")
    services.results_confirm(actor=chair.user, contest=contest, **MINUTES)
    contest.refresh_from_db()
    assert contest.state == ContestState.DECIDED


def test_a_comment_before_the_last_sheet_does_not_count(disputed, chair, contest):
    DiscussionComment.objects.create(
        application=disputed,
        author=chair.user,
        text="Рано",
        created_at=timezone.now() - datetime.timedelta(days=1),
    )
    with pytest.raises(ValidationError, match="discuss"):
        services.results_confirm(actor=chair.user, contest=contest, **MINUTES)


def test_the_chair_may_record_why_it_was_not_discussed(client, disputed, chair, contest):
    client.force_login(chair.user)
    client.post(
        page(disputed), {"action": "no_discussion", "reason": "Эксперты подтвердили оценки письменно"}
    )
    assert Deliberation.objects.get(application=disputed).no_discussion_reason.startswith("Эксперты")
    services.results_confirm(actor=chair.user, contest=contest, **MINUTES)
    contest.refresh_from_db()
    assert contest.state == ContestState.DECIDED


def test_only_the_chair_records_why_not_and_writes_the_conclusion(disputed, expert):
    with pytest.raises(PermissionDenied):
        services.no_discussion_record(actor=expert, application=disputed, reason="Не нужно")
    with pytest.raises(PermissionDenied):
        services.conclusion_save(actor=expert, application=disputed, text="Заключение")
    assert not Deliberation.objects.exists()


# --- the consolidated conclusion -----------------------------------------------------------------


def test_the_applicant_reads_the_conclusion_only_after_publication(
    client, disputed, chair, coordinator, contest
):
    client.force_login(chair.user)
    response = client.post(page(disputed), {"action": "conclusion", "conclusion": ""})
    assert "Write the conclusion." in response.content.decode()
    client.post(
        page(disputed), {"action": "conclusion", "conclusion": "Проект <b>актуален</b>, рекомендован."}
    )
    client.force_login(coordinator)
    assert "актуален" not in client.get(disputed.get_absolute_url()).content.decode()
    contest.state = ContestState.PUBLISHED
    contest.save()
    body = client.get(disputed.get_absolute_url()).content.decode()
    assert "Consolidated conclusion of the expert commission" in body
    assert "Проект &lt;b&gt;актуален&lt;/b&gt;, рекомендован." in body
    with pytest.raises(ValidationError, match="until the results are published"):
        services.conclusion_save(actor=chair.user, application=disputed, text="Другое")


def test_the_other_applicant_does_not_read_the_conclusion(client, disputed, chair, coordinator_b, contest):
    services.conclusion_save(actor=chair.user, application=disputed, text="Итоговое заключение комиссии")
    contest.state = ContestState.PUBLISHED
    contest.save()
    client.force_login(coordinator_b)
    response = client.get(disputed.get_absolute_url())
    assert "Итоговое заключение комиссии" not in response.content.decode()
