"""Deadlines of the expertise: the period, the experts' due dates, reminders (once each), who is late and
reassigning a late expert's applications. Time is a controlled clock (`clock`)."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from novator.expertise import selectors, services
from novator.expertise.models import Assignment, CommissionMember, SheetReminder
from novator.notifications.models import Notification

from .factories import AssignmentFactory, publish, submit_sheet

pytestmark = pytest.mark.django_db

DUE = datetime.date(2024, 3, 20)


class Clock:
    """`django.utils.timezone.now` fixed at noon (Moscow) of a day the test moves."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch

    def set(self, day: datetime.date) -> datetime.date:
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))
        self.monkeypatch.setattr(timezone, "now", lambda: moment)
        return day


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def third(commission):
    return CommissionMember.objects.get(commission=commission, expert__user__last_name="Третья").expert


@pytest.fixture
def period(commission, methodologist):
    services.commission_deadlines_update(
        actor=methodologist,
        contest=commission.contest,
        data={"review_starts_on": datetime.date(2024, 3, 1), "review_due_on": DUE, "reminder_days": 3},
    )
    commission.refresh_from_db()
    return commission


@pytest.fixture
def late_work(period, applications, expert_profile, third, chair):
    """The `expert` user scores applications 1 and 2 (submits 1), the third member scores all three,
    the chair application 0 (all submitted); published."""
    submit_sheet(AssignmentFactory(application=applications[0], expert=chair), [3, 8])
    submit_sheet(AssignmentFactory(application=applications[0], expert=third), [3, 8])
    a1 = AssignmentFactory(application=applications[1], expert=expert_profile)
    a2 = AssignmentFactory(application=applications[2], expert=expert_profile)
    submit_sheet(a1, [3, 8])
    for application in applications[1:]:
        submit_sheet(AssignmentFactory(application=application, expert=third), [3, 8])
    publish(period)
    return {"submitted": a1, "open": a2}


def reminders(user, kind="expertise.reminder"):
    return list(
        Notification.objects.filter(user=user, kind=kind).order_by("pk").values_list("subject", flat=True)
    )


# --- the period ----------------------------------------------------------------------------------


def test_the_organiser_sets_the_period_and_a_due_date_before_the_start_changes_nothing(
    commission, methodologist
):
    contest = commission.contest
    with pytest.raises(ValidationError) as exc:
        services.commission_deadlines_update(
            actor=methodologist,
            contest=contest,
            data={"review_starts_on": DUE, "review_due_on": DUE - datetime.timedelta(days=1)},
        )
    assert "before the start" in str(exc.value)
    commission.refresh_from_db()
    assert (commission.review_starts_on, commission.review_due_on) == (None, None)
    changes = services.commission_deadlines_update(
        actor=methodologist, contest=contest, data={"review_due_on": DUE, "reminder_days": 5}
    )
    assert set(changes) == {"review_due_on", "reminder_days"}


def test_an_expert_cannot_set_the_period(commission, expert):
    with pytest.raises(PermissionDenied):
        services.commission_deadlines_update(
            actor=expert, contest=commission.contest, data={"review_due_on": DUE}
        )


def test_the_period_form_on_the_page_refuses_bad_input_with_a_message(client, commission, chair):
    client.force_login(chair.user)
    url = reverse("expertise:deadlines_update", args=[commission.contest.pk])
    response = client.post(
        url,
        {"review_starts_on": "2024-03-10", "review_due_on": "2024-03-01", "reminder_days": "3"},
        follow=True,
    )
    assert "The due date cannot be before the start of the expertise." in response.content.decode()
    response = client.post(url, {"review_due_on": "2024-03-20", "reminder_days": "40"}, follow=True)
    assert "Ensure this value is less than or equal to 30." in response.content.decode()
    commission.refresh_from_db()
    assert commission.review_due_on is None
    client.post(url, {"review_due_on": "2024-03-20", "reminder_days": "2"})
    commission.refresh_from_db()
    assert (commission.review_due_on, commission.reminder_days) == (DUE, 2)


# --- reminders -----------------------------------------------------------------------------------


def test_reminders_go_days_before_and_the_day_after_once_each(
    late_work, expert, third, clock, django_capture_on_commit_callbacks, mailoutbox
):
    assert services.reminders_send(today=clock.set(DUE - datetime.timedelta(days=4)))["before"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        counts = services.reminders_send(today=clock.set(DUE - datetime.timedelta(days=3)))
    assert counts["before"] == 1  # the open sheet; the submitted ones are not reminded
    assert reminders(expert) == [
        f"The scoring sheet is due on 20.03.2024: {late_work['open'].application.contest.title}"
    ]
    assert reminders(third.user) == []
    assert [m.to for m in mailoutbox] == [[expert.email]]
    # again, and on the due date: nothing new
    assert services.reminders_send(today=clock.set(DUE - datetime.timedelta(days=3)))["before"] == 0
    assert services.reminders_send(today=clock.set(DUE))["before"] == 0
    counts = services.reminders_send(today=clock.set(DUE + datetime.timedelta(days=1)))
    assert counts["overdue"] == 1
    assert services.reminders_send(today=clock.set(DUE + datetime.timedelta(days=2)))["overdue"] == 0
    assert len(reminders(expert)) == 2 and "overdue" in reminders(expert)[1]
    assert SheetReminder.objects.filter(assignment=late_work["open"]).count() == 2


def test_a_submitted_sheet_or_an_unpublished_commission_gets_no_reminder(
    period, applications, expert_profile, expert, clock
):
    AssignmentFactory(application=applications[1], expert=expert_profile)
    assert services.reminders_send(today=clock.set(DUE))["checked"] == 0  # not published yet
    assert reminders(expert) == []


def test_the_command_sends_the_reminders_of_the_day(late_work, expert, clock):
    clock.set(DUE + datetime.timedelta(days=1))
    out = StringIO()
    call_command("send_expertise_reminders", "--today", "2024-03-21", stdout=out)
    assert "просрочено — 1" in out.getvalue()  # the command speaks the site's language
    call_command("send_expertise_reminders", "--today", "2024-03-21", stdout=out)
    assert len(reminders(expert)) == 1


# --- the expert's due dates ----------------------------------------------------------------------


def test_the_expert_sees_the_due_dates_on_the_home_page_and_the_assignments(client, late_work, expert, clock):
    clock.set(DUE + datetime.timedelta(days=1))
    client.force_login(expert)
    home = client.get(reverse("portal:home")).content.decode()
    assert 'data-due="2024-03-20"' in home and "(overdue)" in home
    page = client.get(reverse("expertise:my_assignments")).content.decode()
    assert "scoring due 20.03.2024" in page and "(overdue)" in page
    clock.set(DUE - datetime.timedelta(days=1))
    page = client.get(reverse("expertise:my_assignments")).content.decode()
    assert "scoring due 20.03.2024" in page and "(overdue)" not in page


# --- late experts --------------------------------------------------------------------------------


def test_the_chair_sees_who_is_late(client, late_work, chair, expert_profile, clock):
    clock.set(DUE)
    assert selectors.late_experts(late_work["open"].application.contest) == []
    clock.set(DUE + datetime.timedelta(days=2))
    late = selectors.late_experts(late_work["open"].application.contest)
    assert [(row.expert, row.applications, row.days) for row in late] == [
        (expert_profile, [late_work["open"].application], 2)
    ]
    client.force_login(chair.user)
    page = client.get(reverse("expertise:commission", args=[late_work["open"].application.contest_id]))
    body = page.content.decode()
    assert 'id="late-experts"' in body and expert_profile.user.display_name in body
    assert (
        reverse("expertise:late_reassign", args=[late_work["open"].application.contest_id, expert_profile.pk])
        in body
    )


def test_reassigning_a_late_expert_fills_only_the_gap_with_another_member(
    client, late_work, chair, expert_profile, third, commission, clock
):
    clock.set(DUE + datetime.timedelta(days=1))
    contest = commission.contest
    application = late_work["open"].application
    client.force_login(chair.user)
    response = client.post(
        reverse("expertise:late_reassign", args=[contest.pk, expert_profile.pk]), follow=True
    )
    assert "overdue applications are taken away; 1 new assignment made" in response.content.decode()
    experts = set(Assignment.objects.filter(application=application).values_list("expert_id", flat=True))
    assert expert_profile.pk not in experts and third.pk in experts and len(experts) == 2
    # the submitted sheet stays, the other applications are untouched
    assert Assignment.objects.filter(pk=late_work["submitted"].pk).exists()
    # the new expert has a week of their own
    new = Assignment.objects.get(application=application, expert_id__in=experts - {third.pk})
    assert new.due_on == DUE + datetime.timedelta(days=8)
    assert selectors.late_experts(contest) == []


def test_reassigning_an_expert_who_is_not_late_changes_nothing(
    client, late_work, chair, third, commission, clock
):
    clock.set(DUE + datetime.timedelta(days=1))
    before = set(Assignment.objects.values_list("pk", flat=True))
    client.force_login(chair.user)
    response = client.post(
        reverse("expertise:late_reassign", args=[commission.contest.pk, third.pk]), follow=True
    )
    assert "has no overdue scoring sheet in this contest" in response.content.decode()
    assert set(Assignment.objects.values_list("pk", flat=True)) == before


def test_an_expert_cannot_reassign(client, late_work, expert, expert_profile, commission, clock):
    clock.set(DUE + datetime.timedelta(days=1))
    client.force_login(expert)
    response = client.post(
        reverse("expertise:late_reassign", args=[commission.contest.pk, expert_profile.pk])
    )
    assert response.status_code in (403, 404)
    assert Assignment.objects.filter(pk=late_work["open"].pk).exists()
