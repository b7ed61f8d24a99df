"""The chair's confirmation (with overrides), reopening, and the statuses awarded on publication."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from novator.contests import services as contest_services
from novator.contests.models import Application, ContestState
from novator.core.models import ActivityLog
from novator.expertise import services
from novator.expertise.ranking import contest_ranking
from novator.statuses.models import StatusAssignment

from .factories import MINUTES, AssignmentFactory, submit_sheet

pytestmark = pytest.mark.django_db


def outcome(application):
    application.refresh_from_db()
    return application.total, application.rank, application.awarded, application.decision_note


def test_the_ranking_proposes_winners_per_category(scored, contest):
    ranking = contest_ranking(contest)
    assert ranking.threshold == Decimal("4.80") and ranking.max_total == Decimal(8)
    by_name = {
        c.name: [(r.application, r.result.total, r.result.rank, r.result.proposed) for r in c.rows]
        for c in ranking.categories
    }
    assert by_name["ДОУ"] == [
        (scored[2], Decimal("7.00"), 1, True),
        (scored[1], Decimal("5.50"), 2, False),
    ]
    assert by_name["СОШ"] == [(scored[0], Decimal("7.50"), 1, True)]
    assert ranking.pending == 0


def test_confirm_writes_the_outcomes_and_moves_the_contest(scored, contest, chair):
    services.results_confirm(
        actor=chair.user, contest=contest, minutes_number="3", minutes_date=datetime.date(2023, 6, 1)
    )
    contest.refresh_from_db()
    assert contest.state == ContestState.DECIDED
    assert outcome(scored[0]) == (Decimal("7.50"), 1, True, "")
    assert outcome(scored[1]) == (Decimal("5.50"), 2, False, "")
    assert outcome(scored[2]) == (Decimal("7.00"), 1, True, "")
    assert contest.commission.minutes_number == "3"
    assert ActivityLog.objects.filter(action="expertise.results_confirm").exists()
    assert ActivityLog.objects.filter(action="contest.confirm_results").exists()


def test_an_override_needs_a_reason(scored, contest, chair):
    with pytest.raises(ValidationError) as error:
        services.results_confirm(
            actor=chair.user, contest=contest, **MINUTES, overrides={scored[1].pk: {"awarded": True}}
        )
    assert f"reason_{scored[1].pk}" in error.value.message_dict
    contest.refresh_from_db()
    assert contest.state == ContestState.EXPERTISE
    assert outcome(scored[1]) == (None, None, False, "")
    # with a reason: recorded on the application and in the audit log
    services.results_confirm(
        actor=chair.user,
        contest=contest,
        **MINUTES,
        overrides={
            scored[1].pk: {"awarded": True, "reason": "Квота увеличена решением комиссии"},
            scored[0].pk: {"awarded": True, "reason": ""},  # agrees with the proposal: no reason needed
        },
    )
    assert outcome(scored[1]) == (Decimal("5.50"), 2, True, "Квота увеличена решением комиссии")
    assert outcome(scored[0])[2:] == (True, "")
    log = ActivityLog.objects.get(action="expertise.results_confirm")
    assert log.changes["overrides"][1] == {
        str(scored[1].pk): {"awarded": True, "reason": "Квота увеличена решением комиссии"}
    }


def test_overrides_of_unknown_applications_are_refused(scored, contest, chair):
    with pytest.raises(ValidationError, match="not in the ranking"):
        services.results_confirm(
            actor=chair.user, contest=contest, **MINUTES, overrides={999999: {"awarded": True}}
        )
    with pytest.raises(ValidationError, match="must say whether"):
        services.results_confirm(
            actor=chair.user, contest=contest, **MINUTES, overrides={scored[0].pk: {"awarded": "yes"}}
        )


def test_confirm_waits_for_every_sheet(commission, applications, expert_profile, contest, chair):
    AssignmentFactory(application=applications[0], expert=expert_profile)
    submit_sheet(AssignmentFactory(application=applications[1], expert=expert_profile), [3, 10])
    with pytest.raises(ValidationError) as error:
        services.results_confirm(actor=chair.user, contest=contest, **MINUTES)
    text = " ".join(error.value.messages)
    assert "1 scoring sheet(s) are not submitted yet." in text
    assert f"{applications[2]} has no submitted scoring sheet." in text


def test_only_the_chair_confirms_and_reopens(scored, contest, methodologist, expert_profile, chair):
    for user in (methodologist, expert_profile.user):
        with pytest.raises(PermissionDenied):
            services.results_confirm(actor=user, contest=contest, **MINUTES)
    services.results_confirm(actor=chair.user, contest=contest, **MINUTES)
    with pytest.raises(PermissionDenied):
        services.results_reopen(actor=methodologist, contest=contest, reason="Ошибка")
    with pytest.raises(ValidationError):
        services.results_reopen(actor=chair.user, contest=contest, reason="")
    services.results_reopen(actor=chair.user, contest=contest, reason="Жалоба заявителя")
    contest.refresh_from_db()
    assert contest.state == ContestState.EXPERTISE
    assert contest.commission.results_confirmed_at is None
    log = ActivityLog.objects.get(action="contest.reopen_expertise")
    assert log.changes["reason"] == [None, "Жалоба заявителя"]


def _publish(contest, methodologist, order_date):
    contest_services.contest_record_order(
        actor=methodologist, contest=contest, number="145-од", date=order_date
    )
    contest_services.contest_transition(actor=methodologist, contest=contest, name="publish_results")


def test_publication_awards_the_statuses_for_the_term(
    scored, contest, chair, methodologist, coordinator, django_capture_on_commit_callbacks
):
    contest.academic_year = "2022/23"
    contest.status_term_years = 3
    contest.save()
    services.results_confirm(actor=chair.user, contest=contest, **MINUTES)
    with django_capture_on_commit_callbacks(execute=True):
        _publish(contest, methodologist, datetime.date(2023, 9, 1))
    statuses = {s.organization_id: s for s in StatusAssignment.objects.all()}
    assert set(statuses) == {scored[0].organization_id, scored[2].organization_id}
    status = statuses[scored[0].organization_id]
    assert (status.starts_on, status.ends_on) == (datetime.date(2023, 9, 1), datetime.date(2026, 8, 31))
    assert status.kind == contest.status_kind and status.order_number == "145-од"
    assert status.order_date == datetime.date(2023, 9, 1)
    assert status.project_title == scored[0].project_title
    assert Application.objects.get(pk=scored[0].pk).status_assignment == status
    assert Application.objects.get(pk=scored[1].pk).status_assignment is None
    # the applicant (org_a's coordinator) learns the result and the award
    subjects = [m.subject for m in mail.outbox if coordinator.email in m.to]
    assert any("Results of the contest" in s for s in subjects)
    assert any("Status awarded" in s for s in subjects)
    # running the award again does not duplicate
    services.results_award_statuses(contest=contest)
    assert StatusAssignment.objects.count() == 2


def test_the_term_starts_on_1_september_when_the_order_is_earlier(scored, contest, chair, methodologist):
    contest.academic_year = "2023/24"
    contest.save()
    services.results_confirm(actor=chair.user, contest=contest, **MINUTES)
    _publish(contest, methodologist, datetime.date(2023, 6, 15))
    status = StatusAssignment.objects.first()
    assert (status.starts_on, status.ends_on, status.order_date) == (
        datetime.date(2023, 9, 1),
        datetime.date(2026, 8, 31),
        datetime.date(2023, 6, 15),
    )


def test_overridden_winner_is_awarded_and_refused_one_is_not(scored, contest, chair, methodologist):
    services.results_confirm(
        actor=chair.user,
        contest=contest,
        **MINUTES,
        overrides={
            scored[1].pk: {"awarded": True, "reason": "Решение комиссии"},
            scored[2].pk: {"awarded": False, "reason": "Выявлено несоответствие требованиям"},
        },
    )
    _publish(contest, methodologist, datetime.date(2027, 6, 1))
    awarded = set(StatusAssignment.objects.values_list("organization_id", flat=True))
    assert awarded == {scored[0].organization_id, scored[1].organization_id}
