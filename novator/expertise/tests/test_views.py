"""The pages of the expertise: what each user sees and does, and how many queries it costs."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from novator.contests.models import Application, ContestState
from novator.contests.tests.factories import ApplicationFactory
from novator.expertise.models import Assignment, CommissionMember, Score, ScoreSheet
from novator.organizations.tests.factories import OrganizationFactory

from .factories import (
    MINUTES,
    AssignmentFactory,
    CommissionMemberFactory,
    ExpertFactory,
    publish,
    record_meeting,
    submit_sheet,
)

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"expertise:{name}", args=args)


def text(response):
    return response.content.decode()


# --- the commission page -------------------------------------------------------------------------


def test_commission_page_shows_members_conflicts_matrix_and_progress(
    client, methodologist, commission, applications, expert_profile, conflicted
):
    submit_sheet(AssignmentFactory(application=applications[1], expert=expert_profile), [3, 10])
    AssignmentFactory(application=applications[2], expert=expert_profile)
    client.force_login(methodologist)
    response = client.get(url("commission", commission.contest.pk))
    assert response.status_code == 200
    body = text(response)
    assert expert_profile.user.display_name in body and conflicted.user.display_name in body
    assert "the expert works in the applicant organisation" in body  # the conflict cell explains itself
    assert "1 of 2 sheets submitted" in body
    assert "Fill the gaps automatically" in body and "Publish the assignments" in body
    for tag in re.findall(r"<script[^>]*>", body):  # no inline scripts: files and JSON data only
        assert "src=" in tag or 'type="application/json"' in tag, tag
    chart = json.loads(
        re.search(r'<script id="expert-progress-data"[^>]*>(.*?)</script>', body, re.S).group(1)
    )
    index = chart["names"].index(str(expert_profile))
    assert (chart["submitted"][index], chart["assigned"][index]) == (1, 2)


def test_commission_page_for_a_contest_without_a_commission_offers_the_setup(
    client, methodologist, contest, chair
):
    client.force_login(methodologist)
    body = text(client.get(url("commission", contest.pk)))
    assert "Create the commission" in body
    response = client.post(
        url("commission_setup", contest.pk), {"chair": chair.pk, "secretary": methodologist.pk}
    )
    assert response.status_code == 302
    contest.commission.refresh_from_db()
    assert contest.commission.chair == chair


def test_member_add_update_remove_through_the_page(client, methodologist, commission, outsider):
    client.force_login(methodologist)
    contest = commission.contest
    client.post(url("member_add", contest.pk), {"expert": outsider.pk, "max_load": "3"})
    member = CommissionMember.objects.get(commission=commission, expert=outsider)
    assert member.max_load == 3
    client.post(url("member_update", contest.pk, member.pk), {"max_load": ""})
    member.refresh_from_db()
    assert member.max_load is None
    client.post(url("member_remove", contest.pk, member.pk))
    assert not CommissionMember.objects.filter(pk=member.pk).exists()


def test_assigning_a_conflicted_expert_through_the_page_shows_why(
    client, methodologist, commission, applications, conflicted
):
    client.force_login(methodologist)
    response = client.post(
        url("assignment_add", commission.contest.pk),
        {"application": applications[0].pk, "expert": conflicted.pk},
        follow=True,
    )
    assert "works in the applicant organisation" in text(response)
    assert not Assignment.objects.exists()


def test_auto_fill_and_publish_through_the_page(client, methodologist, commission, applications):
    client.force_login(methodologist)
    contest = commission.contest
    response = client.post(url("assignments_auto", contest.pk), follow=True)
    assert "6 assignments added." in text(response)
    client.post(url("assignments_publish", contest.pk))
    commission.refresh_from_db()
    assert commission.assignments_published_at is not None


def test_auto_fill_impossible_explains_on_the_page(client, methodologist, commission, applications):
    commission.contest.experts_per_application = 5
    commission.contest.save()
    client.force_login(methodologist)
    body = text(client.post(url("assignments_auto", commission.contest.pk), follow=True))
    assert "needs 5 more experts, but only 4 members may score it" in body and "Nothing was assigned" in body
    assert not Assignment.objects.exists()


@pytest.mark.parametrize("size", [2, 8])
def test_commission_page_query_count_is_pinned(
    client,
    methodologist,
    commission,
    contest,
    municipality,
    expert_profile,
    django_assert_max_num_queries,
    size,
):
    for _ in range(size):
        application = ApplicationFactory(
            contest=contest, organization=OrganizationFactory(municipality=municipality), accepted=True
        )
        AssignmentFactory(application=application, expert=expert_profile)
        CommissionMemberFactory(commission=commission, expert=ExpertFactory())
    client.force_login(methodologist)
    # one more than before: the latest assignment proposal; and one for the members' teacher and
    # coordinator roles (a conflict of interest, issue #20); two for the order announcing the contest
    # (the journal's entry and the organiser's permission to register it); seven for the deadlines and the
    # deliberation (issue #26): the chair check, the late experts, and the ranking's spread flags with the
    # comments and the recorded reasons of the disputed applications; two for the invitations awaiting an
    # answer and the members' loads across the year's contests (issue #21)
    with django_assert_max_num_queries(25):
        assert client.get(url("commission", contest.pk)).status_code == 200


# --- the expert ----------------------------------------------------------------------------------


def test_my_assignments_are_hidden_until_published(client, expert, commission, applications, expert_profile):
    AssignmentFactory(application=applications[1], expert=expert_profile)
    client.force_login(expert)
    assert applications[1].project_title not in text(client.get(url("my_assignments")))
    assert client.get(url("sheet", Assignment.objects.get().sheet.pk)).status_code == 404
    publish(commission)
    body = text(client.get(url("my_assignments")))
    assert applications[1].project_title in body and "0 of 1 sheets submitted" in body


def test_a_conflicted_expert_never_sees_the_application(
    client, commission, applications, conflicted, expert_profile
):
    # assigned before the conflict was known (e.g. the expert moved to org_a afterwards)
    sheet = AssignmentFactory(application=applications[0], expert=conflicted).sheet
    declared = AssignmentFactory(application=applications[1], expert=expert_profile).sheet
    publish(commission)
    from novator.expertise.models import ConflictDeclaration

    ConflictDeclaration.objects.create(expert=expert_profile, application=applications[1], reason="Родство")
    client.force_login(conflicted.user)
    assert applications[0].project_title not in text(client.get(url("my_assignments")))
    assert client.get(url("sheet", sheet.pk)).status_code == 404
    assert client.get(applications[0].get_absolute_url()).status_code in (403, 404)
    client.force_login(expert_profile.user)
    assert client.get(url("sheet", declared.pk)).status_code == 404


def test_the_expert_saves_and_submits_the_sheet(
    client, expert, commission, applications, expert_profile, contest
):
    sheet = AssignmentFactory(application=applications[1], expert=expert_profile).sheet
    publish(commission)
    actual, novelty = contest.criteria.order_by("position")
    client.force_login(expert)
    page = text(client.get(url("sheet", sheet.pk)))
    assert 'type="number"' in page and 'step="0.5"' in page and 'max="3.0"' in page
    assert 'name="viewport"' in page  # phone width
    data = {
        "version": "1",
        f"points_{actual.pk}": "2.5",
        f"comment_{actual.pk}": "Нет измеримых результатов",
        f"points_{novelty.pk}": "10",
        "conclusion": "",
        "action": "save",
    }
    assert client.post(url("sheet", sheet.pk), data).status_code == 302
    sheet.refresh_from_db()
    assert sheet.version == 2 and Score.objects.get(sheet=sheet, criterion=actual).points == Decimal("2.5")
    # submitting without a conclusion: the message is on the field and nothing changes
    response = client.post(url("sheet", sheet.pk), {**data, "version": "2", "action": "submit"})
    assert response.status_code == 200 and "Write the conclusion." in text(response)
    assert ScoreSheet.objects.get(pk=sheet.pk).state == ScoreSheet.State.DRAFT
    response = client.post(
        url("sheet", sheet.pk), {**data, "version": "2", "action": "submit", "conclusion": "Рекомендую"}
    )
    assert response.status_code == 302
    assert ScoreSheet.objects.get(pk=sheet.pk).state == ScoreSheet.State.SUBMITTED


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ("4", "less than or equal to 3"),
        ("1.3", "step size 0.5"),
        ("много", "Enter a number"),
        # 400 digits were «math domain error» (a 500) in the step validator
        ("9" * 400, "no more than 5 digits"),
        ("1e400", "no more than 5 digits"),
        ("-" + "9" * 400, "no more than 5 digits"),
    ],
)
def test_bad_points_on_the_page(
    client, expert, commission, applications, expert_profile, contest, points, message
):
    sheet = AssignmentFactory(application=applications[1], expert=expert_profile).sheet
    publish(commission)
    actual, _novelty = contest.criteria.order_by("position")
    client.force_login(expert)
    response = client.post(
        url("sheet", sheet.pk), {"version": "1", f"points_{actual.pk}": points, "action": "save"}
    )
    assert response.status_code == 200 and message in text(response)
    assert not Score.objects.exists()


def test_a_second_tab_gets_the_reload_message(
    client, expert, commission, applications, expert_profile, contest
):
    sheet = AssignmentFactory(application=applications[1], expert=expert_profile).sheet
    publish(commission)
    actual, _novelty = contest.criteria.order_by("position")
    client.force_login(expert)
    client.post(url("sheet", sheet.pk), {"version": "1", f"points_{actual.pk}": "3", "action": "save"})
    response = client.post(
        url("sheet", sheet.pk), {"version": "1", f"points_{actual.pk}": "1", "action": "save"}
    )
    assert "changed in another tab" in text(response)
    assert Score.objects.get().points == Decimal(3)


def test_posting_to_a_submitted_sheet_is_refused(
    client, expert, commission, applications, expert_profile, contest
):
    sheet = submit_sheet(AssignmentFactory(application=applications[1], expert=expert_profile), [3, 10])
    publish(commission)
    actual, _novelty = contest.criteria.order_by("position")
    client.force_login(expert)
    response = client.post(
        url("sheet", sheet.pk),
        {"version": str(sheet.version), f"points_{actual.pk}": "0", "action": "save"},
        follow=True,
    )
    assert "submitted and is locked" in text(response)
    assert Score.objects.get(sheet=sheet, criterion=actual).points == Decimal(3)


def test_expert_declares_a_conflict_from_the_sheet(client, expert, commission, applications, expert_profile):
    sheet = AssignmentFactory(application=applications[1], expert=expert_profile).sheet
    publish(commission)
    client.force_login(expert)
    assert client.get(url("conflict_declare", sheet.pk)).status_code == 200
    response = client.post(url("conflict_declare", sheet.pk), {"reason": "Моя дочь работает там"})
    assert response.status_code == 302
    assert not Assignment.objects.exists()


def test_chair_reopens_a_sheet_from_its_page(client, commission, chair, applications, expert_profile):
    sheet = submit_sheet(AssignmentFactory(application=applications[1], expert=expert_profile), [3, 10])
    publish(commission)
    client.force_login(chair.user)
    assert "Reopen the sheet" in text(client.get(url("sheet", sheet.pk)))
    client.post(url("sheet_reopen", sheet.pk), {"reason": "Проверьте критерий 2"})
    sheet.refresh_from_db()
    assert sheet.state == ScoreSheet.State.DRAFT and sheet.reopen_reason == "Проверьте критерий 2"


# --- the ranking ---------------------------------------------------------------------------------


def test_ranking_page_shows_totals_threshold_and_confirms_with_an_override(client, chair, scored, contest):
    client.force_login(chair.user)
    body = text(client.get(url("ranking", contest.pk)))
    assert "7.50" in body and "5.50" in body and "Threshold: 4.80 of 8.00 points" in body
    assert "beyond the quota" in body and "Confirm the results" in body
    data = {"minutes_number": "3", "minutes_date": "2023-06-01", f"override_{scored[1].pk}": "award"}
    response = client.post(url("ranking", contest.pk), data)
    assert response.status_code == 200 and "Give the reason for changing the proposal" in text(response)
    data[f"reason_{scored[1].pk}"] = "Квота увеличена"
    assert client.post(url("ranking", contest.pk), data).status_code == 302
    contest.refresh_from_db()
    assert contest.state == ContestState.DECIDED
    assert Application.objects.get(pk=scored[1].pk).awarded
    body = text(client.get(url("ranking", contest.pk)))
    assert "Minutes (DOCX)" in body and "Квота увеличена" in body and "Reopen the expertise" in body


@pytest.mark.parametrize("size", [2, 10])
def test_ranking_page_query_count_is_pinned(
    client, chair, commission, contest, municipality, expert_profile, django_assert_num_queries, size
):
    for _ in range(size):
        application = ApplicationFactory(
            contest=contest, organization=OrganizationFactory(municipality=municipality), accepted=True
        )
        submit_sheet(AssignmentFactory(application=application, expert=expert_profile), [2, 5])
    publish(commission)
    client.force_login(chair.user)
    with django_assert_num_queries(
        12
    ):  # computed (the fingerprint of the ranking cache; the applications shown)
        assert client.get(url("ranking", contest.pk)).status_code == 200
    with django_assert_num_queries(9):  # cached
        assert client.get(url("ranking", contest.pk)).status_code == 200


def test_documents_are_offered_after_confirmation_only(client, methodologist, chair, scored, contest):
    client.force_login(methodologist)
    response = client.get(url("minutes", contest.pk))
    assert response.status_code == 302  # not confirmed yet
    from novator.expertise import services

    services.results_confirm(actor=chair.user, contest=contest, **MINUTES)
    contest.refresh_from_db()
    response = client.get(url("minutes", contest.pk))  # the meeting is not recorded yet
    assert response.status_code == 302 and response["Location"] == url("meeting", contest.pk)
    record_meeting(contest)
    response = client.get(url("minutes", contest.pk))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    assert client.get(url("order", contest.pk)).status_code == 200


# --- the applicant's view of the conclusions ------------------------------------------------------


def test_the_applicant_sees_anonymised_conclusions_after_publication(
    coordinator, scored, contest, expert_profile
):
    from django.template import Context, Template

    template = Template("{% load expertise %}{% conclusions application user %}")
    application = Application.objects.get(pk=scored[0].pk)
    assert "Expert 1" not in template.render(Context({"application": application, "user": coordinator}))
    contest.state = ContestState.PUBLISHED
    contest.save()
    application = Application.objects.get(pk=scored[0].pk)
    body = template.render(Context({"application": application, "user": coordinator}))
    assert "Expert 1" in body and "Expert 2" in body and "Проект рекомендуется." in body
    assert expert_profile.user.display_name not in body
    contest.show_expert_names = True
    contest.save()
    application = Application.objects.get(pk=scored[0].pk)
    body = template.render(Context({"application": application, "user": coordinator}))
    assert expert_profile.user.display_name in body


def test_another_organisation_never_sees_the_conclusions(coordinator_b, scored, contest):
    from django.template import Context, Template

    contest.state = ContestState.PUBLISHED
    contest.save()
    body = Template("{% load expertise %}{% conclusions application user %}").render(
        Context({"application": Application.objects.get(pk=scored[0].pk), "user": coordinator_b})
    )
    assert "Expert 1" not in body


def test_the_threshold_line_separates_passing_from_failing(
    client, chair, commission, applications, expert_profile, contest
):
    submit_sheet(AssignmentFactory(application=applications[1], expert=expert_profile), [3, 10])  # 8.00
    submit_sheet(AssignmentFactory(application=applications[2], expert=expert_profile), [1, 2])  # 2.00
    client.force_login(chair.user)
    body = text(client.get(url("ranking", contest.pk)))
    first, line, second = body.index("8.00"), body.index("— threshold 4.80 —"), body.index("2.00")
    assert first < line < second
    assert "below the threshold" in body


def test_admin_lists_the_expertise(admin_client, scored):
    for name in ("expert", "commission", "assignment", "scoresheet", "conflictdeclaration"):
        assert admin_client.get(reverse(f"admin:expertise_{name}_changelist")).status_code == 200
    sheet = ScoreSheet.objects.first()
    assert admin_client.get(reverse("admin:expertise_scoresheet_change", args=[sheet.pk])).status_code == 200


def test_pages_speak_russian_by_default(expert, commission, applications, expert_profile):
    from django.test import Client

    AssignmentFactory(application=applications[1], expert=expert_profile)
    publish(commission)
    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    client.force_login(expert)
    body = text(client.get(url("my_assignments")))
    assert "Мои заявки на экспертизу" in body and "Сдано листов: 0 из 1" in body


def test_the_contest_pages_include_hook_renders_the_conclusions(rf, coordinator, scored, contest):
    from django.template.loader import render_to_string

    contest.state = ContestState.PUBLISHED
    contest.save()
    request = rf.get("/")
    request.user = coordinator
    body = render_to_string(
        "expertise/_application_conclusions.html",
        {"application": Application.objects.get(pk=scored[0].pk), "request": request},
    )
    assert "Expert 1" in body
