"""The optimal assignment as a background proposal: computed by the task (ImmediateBackend in tests),
reviewed with its «why», trimmed, accepted into hidden assignments; infeasibility explained."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from novator.contests.tests.factories import ApplicationFactory
from novator.core.models import ActivityLog, Job
from novator.expertise import services
from novator.expertise.models import (
    Assignment,
    AssignmentProposal,
    CommissionMember,
    ProposalRow,
)
from novator.organizations.tests.factories import OrganizationFactory

from .factories import ExpertFactory

pytestmark = pytest.mark.django_db
State = AssignmentProposal.State

ROBOTICS = "Робототехника и инженерное конструирование: роботы, программирование, техническое творчество."
PRESCHOOL = "Игровая деятельность дошкольников, развивающая предметно-пространственная среда детского сада."


def url(name, *args):
    return reverse(f"expertise:{name}", args=args)


@pytest.fixture
def profiles(commission, applications, expert_profile, chair):
    """The `expert` user knows robotics (the school's project), the chair knows kindergartens."""
    expert_profile.topics = ["Робототехника"]
    expert_profile.bio = ROBOTICS
    expert_profile.organization_kinds = ["school"]
    expert_profile.save()
    chair.topics = ["Дошкольное образование"]
    chair.bio = PRESCHOOL
    chair.save()
    applications[0].texts = {"relevance": "Проект по робототехнике: школьники конструируют роботов."}
    applications[0].save()
    for application in applications[1:]:
        application.texts = {"relevance": "Развивающая среда и игровая деятельность в детском саду."}
        application.save()
    return applications


def propose(client, user, contest, capture):
    client.force_login(user)
    with capture(execute=True):
        return client.post(url("assignment_propose", contest.pk))


def latest(contest):
    return AssignmentProposal.objects.filter(contest=contest).latest("created_at")


def test_the_task_proposes_the_optimum_and_the_chair_accepts_it(
    client, chair, commission, profiles, expert_profile, conflicted, django_capture_on_commit_callbacks
):
    contest = commission.contest
    response = propose(client, chair.user, contest, django_capture_on_commit_callbacks)
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("core:job_detail", args=[job.pk])
    assert job.state == Job.State.SUCCEEDED and job.done == job.total == 4
    proposal = latest(contest)
    assert proposal.state == State.READY and job.result_url == url("proposal", contest.pk, proposal.pk)
    assert "6 pairs proposed." in client.get(reverse("core:job_detail", args=[job.pk])).content.decode()
    assert not Assignment.objects.exists()  # a proposal, not assignments yet

    rows = list(proposal.rows.all())
    per_app = Counter(r.application_id for r in rows)
    assert all(per_app[a.pk] == contest.experts_per_application for a in profiles)
    assert (conflicted.pk, profiles[0].pk) not in {(r.expert_id, r.application_id) for r in rows}
    loads = Counter(r.expert_id for r in rows)
    assert max(loads.values()) <= 3  # the default maximum: ⌈6 / 4⌉ + 1
    # the pairs with something in common were chosen, and the page says why
    best = proposal.rows.get(expert=expert_profile, application=profiles[0])
    assert best.affinity > 0 and best.topics == ["Робототехника"] and best.kind == "school"
    assert any(term.startswith("робот") for term, _weight in best.terms)
    assert proposal.rows.filter(expert=chair, application__in=profiles[1:]).count() == 2
    body = client.get(url("proposal", contest.pk, proposal.pk)).content.decode()
    assert "Робототехника" in body and "knows this kind of organisation" in body
    assert "Accept the proposal" in body

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("proposal_accept", contest.pk, proposal.pk), follow=True)
    assert "6 assignments added from the proposal." in response.content.decode()
    auto = Assignment.objects.filter(source=Assignment.Source.AUTO)
    assert auto.count() == 6 and not auto.filter(affinity__isnull=True).exists()
    assert auto.get(expert=expert_profile, application=profiles[0]).affinity == pytest.approx(best.affinity)
    proposal.refresh_from_db()
    assert proposal.state == State.ACCEPTED and proposal.accepted_by == chair.user
    assert ActivityLog.objects.filter(action="expertise.proposal_accept").exists()
    # still hidden from the experts until the assignments are published
    client.force_login(expert_profile.user)
    assert profiles[0].project_title not in client.get(url("my_assignments")).content.decode()


def test_the_chair_drops_a_row_before_accepting(
    client, chair, commission, profiles, expert_profile, django_capture_on_commit_callbacks
):
    contest = commission.contest
    propose(client, chair.user, contest, django_capture_on_commit_callbacks)
    proposal = latest(contest)
    row = proposal.rows.get(expert=expert_profile, application=profiles[0])
    response = client.post(url("proposal_row_drop", contest.pk, proposal.pk, row.pk), follow=True)
    assert "is left out of the proposal" in response.content.decode()
    assert not ProposalRow.objects.filter(pk=row.pk).exists()
    services.proposal_accept(actor=chair.user, proposal=proposal)
    assert Assignment.objects.count() == 5
    assert not Assignment.objects.filter(expert=expert_profile, application=profiles[0]).exists()
    # an accepted proposal no longer changes
    other = proposal.rows.first()
    with pytest.raises(ValidationError, match="can no longer be changed"):
        services.proposal_row_drop(actor=chair.user, row=other)


def test_running_again_fills_only_the_gaps(
    client, methodologist, commission, profiles, expert_profile, django_capture_on_commit_callbacks
):
    contest = commission.contest
    manual = services.assignment_add(actor=methodologist, application=profiles[1], expert=expert_profile)
    propose(client, methodologist, contest, django_capture_on_commit_callbacks)
    first = latest(contest)
    assert first.stats["fixed"] == 1
    assert first.rows.filter(application=profiles[1]).count() == 1  # one more beside the manual one
    assert not first.rows.filter(expert=expert_profile, application=profiles[1]).exists()
    services.proposal_accept(actor=methodologist, proposal=first)
    assert Assignment.objects.get(pk=manual.pk).source == Assignment.Source.MANUAL

    propose(client, methodologist, contest, django_capture_on_commit_callbacks)
    second = latest(contest)
    assert second.pk != first.pk and second.state == State.READY and not second.rows.exists()
    assert (
        "Every application already has its experts"
        in client.get(url("proposal", contest.pk, second.pk)).content.decode()
    )
    assert Assignment.objects.count() == 6
    # a new application: only it is proposed
    extra = ApplicationFactory(
        contest=contest,
        organization=OrganizationFactory(municipality=contest.organiser_municipality),
        accepted=True,
    )
    propose(client, methodologist, contest, django_capture_on_commit_callbacks)
    third = latest(contest)
    assert set(third.rows.values_list("application_id", flat=True)) == {extra.pk}
    second.refresh_from_db()
    assert second.state == State.SUPERSEDED


def test_infeasible_constraints_are_explained_and_nothing_is_proposed(
    client, chair, commission, profiles, django_capture_on_commit_callbacks
):
    contest = commission.contest
    contest.experts_per_application = 5
    contest.save()
    propose(client, chair.user, contest, django_capture_on_commit_callbacks)
    proposal = latest(contest)
    assert proposal.state == State.INFEASIBLE and not proposal.rows.exists()
    assert {r["code"] for r in proposal.reasons} == {"too_few_experts"}
    body = client.get(url("proposal", contest.pk, proposal.pk)).content.decode()
    assert "The constraints cannot all be met" in body
    assert f"{profiles[0]} needs 5 more experts, but only 3 members may score it" in body
    assert "1 member is in conflict (the expert works in the applicant organisation)" in body
    assert "Accept the proposal" not in body
    job = Job.objects.get()
    assert job.state == Job.State.SUCCEEDED and "cannot all be met" in job.result["summary"]
    with pytest.raises(ValidationError, match="can no longer be changed"):
        services.proposal_accept(actor=chair.user, proposal=proposal)


def test_loads_categories_and_external_expertise_are_respected(
    client, chair, commission, profiles, categories, expert_profile, django_capture_on_commit_callbacks
):
    contest = commission.contest
    contest.require_external_experts = True  # the conflicted member is from the applicants' municipality
    contest.save()
    categories["ДОУ"].experts_per_application = 1
    categories["ДОУ"].save()
    CommissionMember.objects.filter(expert=expert_profile).update(max_load=1)
    propose(client, chair.user, contest, django_capture_on_commit_callbacks)
    proposal = latest(contest)
    assert proposal.state == State.READY
    per_app = Counter(proposal.rows.values_list("application_id", flat=True))
    assert per_app == {profiles[0].pk: 2, profiles[1].pk: 1, profiles[2].pk: 1}
    experts = set(proposal.rows.values_list("expert__municipality_id", flat=True))
    assert experts == {chair.municipality_id}  # all external
    assert proposal.rows.filter(expert=expert_profile).count() <= 1


def test_accepting_a_stale_proposal_changes_nothing(
    client, chair, commission, profiles, expert_profile, django_capture_on_commit_callbacks
):
    contest = commission.contest
    propose(client, chair.user, contest, django_capture_on_commit_callbacks)
    proposal = latest(contest)
    services.conflict_declare(
        actor=expert_profile.user, application=profiles[0], expert=expert_profile, reason="Мой бывший коллега"
    )
    response = client.post(url("proposal_accept", contest.pk, proposal.pk), follow=True)
    body = response.content.decode()
    assert "the expert has declared a conflict of interest" in body
    assert "Nothing was assigned: compute the proposal again." in body
    assert not Assignment.objects.exists()
    proposal.refresh_from_db()
    assert proposal.state == State.READY


def test_one_proposal_at_a_time_and_the_task_is_safe_to_rerun(
    chair, commission, profiles, django_capture_on_commit_callbacks
):
    contest = commission.contest
    first = services.assignment_proposal_start(actor=chair.user, contest=contest)  # not run: on_commit
    with pytest.raises(ValidationError, match="already being computed"):
        services.assignment_proposal_start(actor=chair.user, contest=contest)
    services.proposal_compute(proposal_id=first.pk)
    first.refresh_from_db()
    rows = set(first.rows.values_list("expert_id", "application_id"))
    assert first.state == State.READY and len(rows) == 6
    services.proposal_compute(proposal_id=first.pk)  # a retried task changes nothing
    assert set(first.rows.values_list("expert_id", "application_id")) == rows


def test_the_commission_page_offers_the_proposal(
    client, chair, commission, profiles, django_capture_on_commit_callbacks
):
    contest = commission.contest
    propose(client, chair.user, contest, django_capture_on_commit_callbacks)
    proposal = latest(contest)
    body = client.get(url("commission", contest.pk)).content.decode()
    assert "Propose assignment" in body and "6 pairs to review." in body
    assert url("proposal", contest.pk, proposal.pk) in body
    for tag in re.findall(r"<script[^>]*>", body):
        assert "src=" in tag or 'type="application/json"' in tag, tag


def test_the_proposal_page_query_count_does_not_grow(
    client, chair, commission, contest, municipality, django_assert_max_num_queries
):
    for size in (2, 12):
        for _ in range(size):
            ApplicationFactory(
                contest=contest, organization=OrganizationFactory(municipality=municipality), accepted=True
            )
        CommissionMember.objects.create(commission=commission, expert=ExpertFactory())
        proposal = services.assignment_proposal_start(actor=chair.user, contest=contest)
        services.proposal_compute(proposal_id=proposal.pk)
        client.force_login(chair.user)
        with django_assert_max_num_queries(10):
            assert client.get(url("proposal", contest.pk, proposal.pk)).status_code == 200


def test_a_failing_computation_is_marked_and_can_be_started_again(
    client, chair, commission, profiles, monkeypatch, django_capture_on_commit_callbacks
):
    contest = commission.contest

    def broken(instance, **kwargs):
        raise RuntimeError("solver crashed")

    monkeypatch.setattr("novator.expertise.services.proposals.solve", broken)
    propose(client, chair.user, contest, django_capture_on_commit_callbacks)
    proposal = latest(contest)
    assert proposal.state == State.FAILED
    job = Job.objects.get()
    assert job.state == Job.State.FAILED and "solver crashed" in job.error
    assert (
        "Computing the proposal failed"
        in client.get(url("proposal", contest.pk, proposal.pk)).content.decode()
    )
    monkeypatch.undo()
    propose(client, chair.user, contest, django_capture_on_commit_callbacks)
    assert latest(contest).state == State.READY
    proposal.refresh_from_db()
    assert proposal.state == State.SUPERSEDED
