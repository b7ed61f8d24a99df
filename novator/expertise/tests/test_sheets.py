"""Scoring sheets: drafts, validation, submission, optimistic locking, reopening; all audited."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from novator.contests.models import ContestState
from novator.core.models import ActivityLog
from novator.expertise import services
from novator.expertise.models import Score, ScoreSheet

from .factories import AssignmentFactory, publish, submit_sheet

pytestmark = pytest.mark.django_db


@pytest.fixture
def criteria(contest):
    actual, novelty = contest.criteria.order_by("position")
    return actual, novelty  # 0–3 × 1, 0–10 × 0.5


@pytest.fixture
def sheet(commission, applications, expert_profile):
    assignment = AssignmentFactory(application=applications[1], expert=expert_profile)
    publish(commission)
    return assignment.sheet


def full(criteria, a="3", b="10", comment_a="", comment_b=""):
    actual, novelty = criteria
    return {actual.pk: {"points": a, "comment": comment_a}, novelty.pk: {"points": b, "comment": comment_b}}


def unchanged(sheet):
    fresh = ScoreSheet.objects.get(pk=sheet.pk)
    return (
        fresh.version == sheet.version
        and fresh.state == sheet.state
        and not Score.objects.filter(sheet=sheet)
    )


def test_save_draft_keeps_points_and_bumps_the_version(sheet, criteria, expert_profile):
    actual, novelty = criteria
    saved = services.sheet_save_draft(
        actor=expert_profile.user,
        sheet=sheet,
        version=1,
        scores={actual.pk: {"points": "2.5", "comment": "Обоснование недостаточно"}},
        conclusion="Черновик",
    )
    assert saved.version == 2 and saved.state == ScoreSheet.State.DRAFT
    score = Score.objects.get(sheet=sheet, criterion=actual)
    assert score.points == Decimal("2.5") and score.comment == "Обоснование недостаточно"
    log = ActivityLog.objects.get(action="expertise.sheet_save")
    assert log.changes[f"{actual.name}: points"] == [None, "2.5"]
    assert log.changes["conclusion"] == ["", "Черновик"]
    # a partial save leaves the rest as it was
    services.sheet_save_draft(
        actor=expert_profile.user, sheet=sheet, version=2, scores={novelty.pk: {"points": 7}}
    )
    assert {s.criterion_id: s.points for s in Score.objects.filter(sheet=sheet)} == {
        actual.pk: Decimal("2.5"),
        novelty.pk: Decimal(7),
    }


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("3.5", "from 0 to 3"),
        ("-1", "from 0 to 3"),
        ("2.3", "steps of 0.5"),
        ("abc", "as a number"),
        ([1], "as a number"),
        (True, "as a number"),
        ("NaN", "as a number"),
        ("Infinity", "as a number"),
    ],
)
def test_bad_points_are_refused_and_nothing_changes(sheet, criteria, expert_profile, value, message):
    actual, novelty = criteria
    with pytest.raises(ValidationError) as error:
        services.sheet_save_draft(
            actor=expert_profile.user,
            sheet=sheet,
            version=1,
            scores={actual.pk: {"points": value}, novelty.pk: {"points": "5"}},
        )
    assert message in " ".join(error.value.message_dict[f"points_{actual.pk}"])
    assert unchanged(sheet)
    assert not ActivityLog.objects.filter(action__startswith="expertise.sheet").exists()


def test_comma_decimal_and_unknown_criteria(sheet, criteria, expert_profile):
    actual, _novelty = criteria
    services.sheet_save_draft(
        actor=expert_profile.user, sheet=sheet, version=1, scores={actual.pk: {"points": "1,5"}}
    )
    assert Score.objects.get(sheet=sheet).points == Decimal("1.5")
    with pytest.raises(ValidationError, match="not a criterion of this contest"):
        services.sheet_save_draft(
            actor=expert_profile.user, sheet=sheet, version=2, scores={999999: {"points": 1}}
        )


def test_submit_requires_every_criterion_comments_below_max_and_a_conclusion(sheet, criteria, expert_profile):
    actual, novelty = criteria
    with pytest.raises(ValidationError) as error:
        services.sheet_submit(
            actor=expert_profile.user,
            sheet=sheet,
            version=1,
            scores={actual.pk: {"points": "2"}},
            conclusion="",
        )
    errors = error.value.message_dict
    assert errors[f"comment_{actual.pk}"] == ["Explain in a comment why the points are below the maximum."]
    assert errors[f"points_{novelty.pk}"] == ["Score this criterion."]
    assert errors["conclusion"] == ["Write the conclusion."]
    assert unchanged(sheet)  # a refused submission saves nothing


def test_comment_is_optional_when_the_contest_says_so(sheet, criteria, expert_profile, contest):
    contest.comment_required_below_max = False
    contest.save()
    submitted = services.sheet_submit(
        actor=expert_profile.user, sheet=sheet, version=1, scores=full(criteria, "1", "4"), conclusion="Слабо"
    )
    assert submitted.state == ScoreSheet.State.SUBMITTED


def test_submit_locks_the_sheet(sheet, criteria, expert_profile):
    submitted = services.sheet_submit(
        actor=expert_profile.user,
        sheet=sheet,
        version=1,
        scores=full(criteria, "2", "10", comment_a="Нет плана"),
        conclusion="Рекомендую",
    )
    assert submitted.state == ScoreSheet.State.SUBMITTED and submitted.submitted_at
    assert ActivityLog.objects.get(action="expertise.sheet_submit").changes["state"] == ["draft", "submitted"]
    for service in (services.sheet_save_draft, services.sheet_submit):
        with pytest.raises(ValidationError, match="submitted and is locked"):
            service(actor=expert_profile.user, sheet=sheet, version=submitted.version, scores=full(criteria))
    assert Score.objects.get(sheet=sheet, criterion=criteria[0]).points == Decimal(2)


def test_a_stale_version_from_a_second_tab_is_refused(sheet, criteria, expert_profile):
    actual, _ = criteria
    # both tabs load version 1; the first saves
    services.sheet_save_draft(
        actor=expert_profile.user, sheet=sheet, version=1, scores={actual.pk: {"points": 3}}
    )
    with pytest.raises(ValidationError, match="changed in another tab") as error:
        services.sheet_save_draft(
            actor=expert_profile.user, sheet=sheet, version=1, scores={actual.pk: {"points": 0}}
        )
    assert error.value.code == "stale"
    assert Score.objects.get(sheet=sheet).points == Decimal(3)
    # double submission from two tabs: the second is refused, once locked
    services.sheet_submit(
        actor=expert_profile.user, sheet=sheet, version=2, scores=full(criteria), conclusion="Да"
    )
    with pytest.raises(ValidationError, match="locked"):
        services.sheet_submit(
            actor=expert_profile.user, sheet=sheet, version=2, scores=full(criteria), conclusion="Да"
        )


def test_only_the_sheets_expert_scores_and_only_when_published(
    commission, applications, expert_profile, chair, methodologist, criteria
):
    assignment = AssignmentFactory(application=applications[1], expert=expert_profile)
    with pytest.raises(PermissionDenied):  # not published yet
        services.sheet_save_draft(
            actor=expert_profile.user, sheet=assignment.sheet, version=1, scores=full(criteria)
        )
    publish(commission)
    for user in (chair.user, methodologist):
        with pytest.raises(PermissionDenied):
            services.sheet_save_draft(actor=user, sheet=assignment.sheet, version=1, scores=full(criteria))
    assert unchanged(assignment.sheet)


def test_scoring_closes_with_the_expertise(sheet, criteria, expert_profile, contest):
    contest.state = ContestState.DECIDED
    contest.save()
    with pytest.raises(ValidationError, match="closed"):
        services.sheet_save_draft(actor=expert_profile.user, sheet=sheet, version=1, scores=full(criteria))


def test_the_chair_reopens_with_a_reason_and_it_is_audited(
    sheet, criteria, expert_profile, chair, methodologist, django_capture_on_commit_callbacks
):
    submit_sheet(sheet.assignment, [3, 10])
    with pytest.raises(PermissionDenied):
        services.sheet_reopen(actor=methodologist, sheet=sheet, reason="Проверить")
    with pytest.raises(ValidationError, match="Give the reason"):
        services.sheet_reopen(actor=chair.user, sheet=sheet, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        reopened = services.sheet_reopen(
            actor=chair.user, sheet=sheet, reason="Баллы не соответствуют комментариям"
        )
    assert reopened.state == ScoreSheet.State.DRAFT
    assert reopened.reopen_reason == "Баллы не соответствуют комментариям"
    log = ActivityLog.objects.get(action="expertise.sheet_reopen")
    assert log.actor == chair.user and log.changes["reason"] == [None, "Баллы не соответствуют комментариям"]
    assert mail.outbox[0].to == [expert_profile.user.email]
    # the expert can change and submit again
    services.sheet_submit(
        actor=expert_profile.user,
        sheet=sheet,
        version=reopened.version,
        scores=full(criteria, "2", "10", comment_a="Исправлено"),
        conclusion="Исправлено",
    )
    assert ScoreSheet.objects.get(pk=sheet.pk).state == ScoreSheet.State.SUBMITTED


def test_a_draft_cannot_be_reopened(sheet, chair):
    with pytest.raises(ValidationError, match="Only a submitted sheet"):
        services.sheet_reopen(actor=chair.user, sheet=sheet, reason="Зачем-то")


def test_every_change_of_a_sheet_is_in_the_audit_log(sheet, criteria, expert_profile, chair):
    actual, novelty = criteria
    user = expert_profile.user
    services.sheet_save_draft(actor=user, sheet=sheet, version=1, scores={actual.pk: {"points": 1}})
    services.sheet_save_draft(actor=user, sheet=sheet, version=2, scores={actual.pk: {"comment": "Слабо"}})
    services.sheet_save_draft(
        actor=user, sheet=sheet, version=3, scores={actual.pk: {"comment": "Слабо"}}
    )  # no-op
    services.sheet_submit(
        actor=user, sheet=sheet, version=3, scores={novelty.pk: {"points": 10}}, conclusion="Итог"
    )
    services.sheet_reopen(actor=chair.user, sheet=sheet, reason="Уточнить")
    actions = list(
        ActivityLog.objects.filter(object_id=str(sheet.pk), action__startswith="expertise.sheet")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "expertise.sheet_save",
        "expertise.sheet_save",
        "expertise.sheet_submit",
        "expertise.sheet_reopen",
    ]
