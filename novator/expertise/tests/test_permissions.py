"""Who may open each page and use each action of the expertise, for every role — including an expert who
is not a member, a member who is in conflict, and a coordinator of another organisation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from novator.accounts.models import Role
from novator.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from novator.expertise import services
from novator.expertise.models import Assignment, CommissionMember, ScoreSheet
from novator.expertise.tests.factories import MINUTES, record_meeting

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "admin",
    "organiser",
    "other_methodologist",
    "applicant",
    "other_coordinator",
    "teacher",
    "observer",
    "expert",
    "chair",
    "secretary",
    "outsider",
    "conflicted",
]


@pytest.fixture
def secretary(commission):
    user = UserFactory(username="secretary")
    RoleAssignmentFactory(user=user, role=Role.EXPERT)
    commission.secretary = user
    commission.save()
    return user


@pytest.fixture
def people(
    admin_user,
    methodologist,
    other_methodologist,
    coordinator,
    coordinator_b,
    teacher,
    observer,
    expert,
    chair,
    secretary,
    outsider,
    conflicted,
):
    return {
        "anonymous": None,
        "admin": admin_user,
        "organiser": methodologist,
        "other_methodologist": other_methodologist,
        "applicant": coordinator,
        "other_coordinator": coordinator_b,
        "teacher": teacher,
        "observer": observer,
        "expert": expert,
        "chair": chair.user,
        "secretary": secretary,
        "outsider": outsider.user,
        "conflicted": conflicted.user,
    }


def login(client, people, role):
    if people[role] is not None:
        client.force_login(people[role])
    return client


def expected(role, allowed, denied=403):
    if role == "anonymous":
        return 302
    return 200 if role in allowed else denied


COMMISSION_VIEWERS = {"admin", "organiser", "chair", "secretary"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", ["commission", "ranking"])
def test_commission_and_ranking_pages(client, people, scored, contest, role, page):
    response = login(client, people, role).get(reverse(f"expertise:{page}", args=[contest.pk]))
    assert response.status_code == expected(role, COMMISSION_VIEWERS)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("document", ["minutes", "order"])
def test_documents(client, people, scored, contest, chair, role, document):
    services.results_confirm(actor=chair.user, contest=contest, **MINUTES)
    contest.refresh_from_db()
    record_meeting(contest)
    response = login(client, people, role).get(reverse(f"expertise:{document}", args=[contest.pk]))
    assert response.status_code == expected(role, COMMISSION_VIEWERS)


@pytest.mark.parametrize("role", ROLES)
def test_scoring_sheet_page(client, people, scored, expert_profile, role):
    sheet = ScoreSheet.objects.get(assignment__application=scored[0], assignment__expert=expert_profile)
    response = login(client, people, role).get(reverse("expertise:sheet", args=[sheet.pk]))
    assert response.status_code == expected(role, {"admin", "organiser", "chair", "expert"}, denied=404)


@pytest.mark.parametrize("role", ROLES)
def test_conflict_declaration_page(client, people, scored, expert_profile, role):
    sheet = ScoreSheet.objects.get(assignment__application=scored[0], assignment__expert=expert_profile)
    response = login(client, people, role).get(reverse("expertise:conflict_declare", args=[sheet.pk]))
    denied = (
        403 if role in {"admin", "organiser", "chair"} else 404
    )  # they see the sheet, but it is not theirs
    assert response.status_code == expected(role, {"expert"}, denied=denied)


@pytest.mark.parametrize("role", ROLES)
def test_my_assignments_shows_only_ones_own(client, people, scored, role):
    response = login(client, people, role).get(reverse("expertise:my_assignments"))
    if role == "anonymous":
        assert response.status_code == 302
        return
    assert response.status_code == 200
    body = response.content.decode()
    assert (scored[0].project_title in body) is (role == "expert")


@pytest.mark.parametrize("role", ROLES)
def test_expert_profiles_page(client, people, role, db):
    response = login(client, people, role).get(reverse("expertise:experts"))
    assert response.status_code == expected(role, {"admin", "organiser", "other_methodologist"})


@pytest.mark.parametrize("role", ROLES)
def test_manual_assignment_action(client, people, commission, applications, expert_profile, role):
    response = login(client, people, role).post(
        reverse("expertise:assignment_add", args=[commission.contest.pk]),
        {"application": applications[1].pk, "expert": expert_profile.pk},
    )
    allowed = {"admin", "organiser", "chair"}
    assert response.status_code == (302 if role in allowed or role == "anonymous" else 403)
    assert Assignment.objects.exists() is (role in allowed)


@pytest.mark.parametrize("role", ROLES)
def test_member_action(client, people, commission, outsider, role):
    response = login(client, people, role).post(
        reverse("expertise:member_add", args=[commission.contest.pk]), {"expert": outsider.pk}
    )
    allowed = {"admin", "organiser"}
    assert response.status_code == (302 if role in allowed or role == "anonymous" else 403)
    assert CommissionMember.objects.filter(expert=outsider).exists() is (role in allowed)


@pytest.mark.parametrize("role", ROLES)
def test_sheet_reopen_action(client, people, scored, expert_profile, role):
    sheet = ScoreSheet.objects.get(assignment__application=scored[0], assignment__expert=expert_profile)
    response = login(client, people, role).post(
        reverse("expertise:sheet_reopen", args=[sheet.pk]), {"reason": "Проверить"}
    )
    allowed = {"admin", "chair"}
    if role == "anonymous" or role in allowed:
        assert response.status_code == 302
    else:
        assert response.status_code == (403 if role in {"organiser", "expert"} else 404)
    sheet.refresh_from_db()
    assert (sheet.state == ScoreSheet.State.DRAFT) is (role in allowed)


@pytest.mark.parametrize("role", ROLES)
def test_confirm_and_reopen_results(client, people, scored, contest, role):
    client = login(client, people, role)
    response = client.post(
        reverse("expertise:ranking", args=[contest.pk]), {"minutes_number": "1", "minutes_date": "2023-06-01"}
    )
    contest.refresh_from_db()
    chair_like = {"admin", "chair"}
    if role == "anonymous":
        assert response.status_code == 302
    elif role in COMMISSION_VIEWERS:
        assert response.status_code == 302  # confirmed, or sent back with «only the chair confirms»
    else:
        assert response.status_code == 403
    assert (contest.state == "decided") is (role in chair_like)
    if role in chair_like:
        response = client.post(reverse("expertise:results_reopen", args=[contest.pk]), {"reason": "Жалоба"})
        contest.refresh_from_db()
        assert contest.state == "expertise"


@pytest.mark.parametrize("role", ROLES)
def test_the_application_page_for_reviewers(client, people, scored, conflicted, role):
    """The contests app asks the expertise rule `expertise.review_application` for experts."""
    user = people[role]
    can_review = user is not None and user.has_perm("expertise.review_application", scored[0])
    assert can_review is (role in {"expert", "chair", "admin"})  # a superuser holds every permission


def test_a_conflicted_chair_does_not_review(chair, scored, org_a):
    chair.organization = org_a
    chair.save()
    assert not chair.user.has_perm("expertise.review_application", scored[0])
    assert chair.user.has_perm("expertise.review_application", scored[1])
    assert not ScoreSheet.objects.visible_to(chair.user).filter(assignment__application=scored[0]).exists()
    assert ScoreSheet.objects.visible_to(chair.user).filter(assignment__application=scored[1]).count() == 2


# --- issue 4: proposals, profiles, scoring settings ------------------------------------------------

ASSIGNERS = {"admin", "organiser", "chair"}


@pytest.mark.parametrize("role", ROLES)
def test_propose_action(client, people, commission, applications, role, django_capture_on_commit_callbacks):
    from novator.expertise.models import AssignmentProposal

    with django_capture_on_commit_callbacks(execute=True):
        response = login(client, people, role).post(
            reverse("expertise:assignment_propose", args=[commission.contest.pk])
        )
    assert response.status_code == (302 if role in ASSIGNERS or role == "anonymous" else 403)
    assert AssignmentProposal.objects.exists() is (role in ASSIGNERS)


@pytest.mark.parametrize("role", ROLES)
def test_proposal_page_and_accept_only_for_the_organiser_and_the_chair(
    client, people, commission, applications, chair, role
):
    """Experts — members included — never see a proposal."""
    from novator.expertise.models import AssignmentProposal

    proposal = services.assignment_proposal_start(actor=chair.user, contest=commission.contest)
    services.proposal_compute(proposal_id=proposal.pk)
    page = reverse("expertise:proposal", args=[commission.contest.pk, proposal.pk])
    response = login(client, people, role).get(page)
    assert response.status_code == expected(role, ASSIGNERS)
    response = client.post(reverse("expertise:proposal_accept", args=[commission.contest.pk, proposal.pk]))
    assert response.status_code == (302 if role in ASSIGNERS or role == "anonymous" else 403)
    proposal.refresh_from_db()
    assert (proposal.state == AssignmentProposal.State.ACCEPTED) is (role in ASSIGNERS)


@pytest.mark.parametrize("role", ROLES)
def test_profile_pages(client, people, expert_profile, role):
    client = login(client, people, role)
    own = client.get(reverse("expertise:my_profile"))
    assert own.status_code == (302 if role == "anonymous" else 200)
    # the expert is from the other municipality: its methodologists edit the profile, not the organiser
    edit = client.get(reverse("expertise:expert_edit", args=[expert_profile.pk]))
    assert edit.status_code == expected(role, {"admin", "other_methodologist"})


@pytest.mark.parametrize("role", ROLES)
def test_scoring_settings_action(client, people, commission, role):
    contest = commission.contest
    response = login(client, people, role).post(
        reverse("expertise:scoring_settings", args=[contest.pk]),
        {"official_ranking": "calibrated", "calibration_min_sheets": "5", "spread_threshold_percent": "30"},
    )
    allowed = {"admin", "organiser"}
    assert response.status_code == (302 if role in allowed or role == "anonymous" else 403)
    contest.refresh_from_db()
    assert (contest.official_ranking == "calibrated") is (role in allowed)
