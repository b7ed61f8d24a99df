"""Commission, conflicts, assignments (manual and automatic) and their publication."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from novator.contests.models import ContestState
from novator.contests.tests.factories import ApplicationFactory
from novator.core.models import ActivityLog
from novator.expertise import services
from novator.expertise.models import Assignment, Commission, CommissionMember, ConflictDeclaration, ScoreSheet

from .factories import AssignmentFactory, CommissionMemberFactory, ExpertFactory, publish, submit_sheet

pytestmark = pytest.mark.django_db


def assigned(application):
    return set(Assignment.objects.filter(application=application).values_list("expert_id", flat=True))


# --- the commission ------------------------------------------------------------------------------


def test_setup_creates_the_commission_with_the_chair_as_member(contest, methodologist, chair, expert_profile):
    commission = services.commission_setup(
        actor=methodologist,
        contest=contest,
        chair=chair,
        secretary=methodologist,
        members=[(expert_profile, 3)],
    )
    assert commission.chair == chair and commission.secretary == methodologist
    members = {m.expert_id: m.max_load for m in commission.members.all()}
    assert members == {chair.pk: None, expert_profile.pk: 3}
    assert ActivityLog.objects.filter(action="commission.create").exists()
    # members given again: exactly those
    services.commission_setup(actor=methodologist, contest=contest, chair=chair, members=[])
    assert list(commission.members.values_list("expert_id", flat=True)) == [chair.pk]


def test_only_the_organiser_sets_up_the_commission(contest, other_methodologist, coordinator, chair):
    for user in (other_methodologist, coordinator):
        with pytest.raises(PermissionDenied):
            services.commission_setup(actor=user, contest=contest, chair=chair)
    assert not Commission.objects.exists()


def test_member_with_assignments_cannot_be_removed(commission, applications, expert_profile, methodologist):
    AssignmentFactory(application=applications[1], expert=expert_profile)
    AssignmentFactory(application=applications[2], expert=expert_profile)
    member = CommissionMember.objects.get(commission=commission, expert=expert_profile)
    with pytest.raises(ValidationError, match="remove them first"):
        services.commission_member_remove(actor=methodologist, member=member)
    with pytest.raises(ValidationError, match="cannot be lower"):
        services.commission_member_update(actor=methodologist, member=member, max_load=1)
    services.commission_member_update(
        actor=methodologist, member=member, max_load=2
    )  # equal to the load: fine
    assert CommissionMember.objects.filter(pk=member.pk).exists()


def test_max_load_must_be_positive(commission, methodologist, outsider):
    with pytest.raises(ValidationError):
        services.commission_member_add(
            actor=methodologist, commission=commission, expert=outsider, max_load=0
        )
    assert not commission.members.filter(expert=outsider).exists()


# --- manual assignments and conflicts -----------------------------------------------------------


def test_manual_assignment_creates_an_empty_sheet_and_audits(
    commission, applications, expert_profile, methodologist, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assignment = services.assignment_add(
            actor=methodologist, application=applications[0], expert=expert_profile
        )
    assert assignment.source == Assignment.Source.MANUAL
    assert ScoreSheet.objects.get(assignment=assignment).state == ScoreSheet.State.DRAFT
    assert ActivityLog.objects.filter(
        action="expertise.assignment_add", object_id=str(applications[0].pk)
    ).exists()
    assert mail.outbox == []  # not published yet: the expert is not told


def test_manual_assignment_refuses_the_organisation_conflict(
    commission, applications, conflicted, methodologist
):
    with pytest.raises(ValidationError, match="works in the applicant organisation"):
        services.assignment_add(actor=methodologist, application=applications[0], expert=conflicted)
    assert not assigned(applications[0])


@pytest.mark.parametrize("role", ["teacher", "coordinator"])
def test_an_experts_own_account_in_the_applicant_is_a_conflict(
    commission, applications, expert_profile, methodologist, org_a, role
):
    """Issue #20: an expert who is a teacher or a coordinator of organisation X is in conflict with X's
    applications although their profile names no organisation — everywhere the conflicts are read."""
    from novator.accounts.tests.factories import RoleAssignmentFactory
    from novator.expertise import conflicts, selectors
    from novator.expertise.assignment import matching
    from novator.expertise.models import ScoreSheet

    assert expert_profile.organization_id is None
    RoleAssignmentFactory(user=expert_profile.user, role=role, organization=org_a)
    application = applications[0]  # org_a's
    assert conflicts.conflict_for(expert=expert_profile, application=application) == conflicts.ORGANIZATION
    with pytest.raises(ValidationError, match="works in the applicant organisation"):
        services.assignment_add(actor=methodologist, application=application, expert=expert_profile)
    assert expert_profile.pk not in assigned(application)
    # the automatic assignment, the commission's matrix
    data = matching.load_contest(commission.contest)
    assert data.conflicts[(application.pk, expert_profile.pk)] == conflicts.ORGANIZATION
    assert (applications[1].pk, expert_profile.pk) not in data.conflicts
    overview = selectors.commission_overview(commission.contest)
    row = next(r for r in overview.rows if r.application.pk == application.pk)
    assert next(c for c in row.cells if c.expert.pk == expert_profile.pk).conflict == conflicts.ORGANIZATION
    # an assignment made before the role was given: the expert no longer sees it, nor its sheet
    assignment = AssignmentFactory(application=application, expert=expert_profile)
    other = AssignmentFactory(application=applications[1], expert=expert_profile)
    publish(commission)
    mine = set(Assignment.objects.for_expert(expert_profile.user).values_list("pk", flat=True))
    assert mine == {other.pk}
    sheets = set(ScoreSheet.objects.visible_to(expert_profile.user).values_list("assignment_id", flat=True))
    assert assignment.pk not in sheets and other.pk in sheets
    assert set(conflicts.exclude_conflicted(Assignment.objects.all()).values_list("pk", flat=True)) >= {
        other.pk
    }
    assert not conflicts.exclude_conflicted(Assignment.objects.filter(pk=assignment.pk)).exists()


def test_a_chair_whose_account_is_in_the_applicant_does_not_see_its_sheets(
    commission, applications, expert_profile, chair, org_a
):
    """The chair's sheets and applications leave out those of an organisation their account is in."""
    from novator.accounts.scope import forget_scope
    from novator.accounts.tests.factories import RoleAssignmentFactory
    from novator.expertise.models import ScoreSheet

    first = AssignmentFactory(application=applications[0], expert=expert_profile)  # org_a's
    second = AssignmentFactory(application=applications[1], expert=expert_profile)
    publish(commission)
    assert chair.user.has_perm("expertise.review_application", applications[0])
    RoleAssignmentFactory(user=chair.user, role="coordinator", organization=org_a)
    forget_scope(chair.user)
    seen = set(ScoreSheet.objects.visible_to(chair.user).values_list("assignment_id", flat=True))
    assert first.pk not in seen and second.pk in seen
    assert not chair.user.has_perm("expertise.review_application", applications[0])


def test_manual_assignment_refuses_the_municipality_conflict_of_external_expertise(
    commission, applications, methodologist, municipality
):
    local = ExpertFactory(municipality=municipality)
    CommissionMemberFactory(commission=commission, expert=local)
    contest = applications[1].contest
    services.assignment_add(actor=methodologist, application=applications[1], expert=local)  # not external
    contest.require_external_experts = True
    contest.save()
    applications[2].contest.refresh_from_db()
    with pytest.raises(ValidationError, match="from the applicant's municipality"):
        services.assignment_add(actor=methodologist, application=applications[2], expert=local)
    assert local.pk not in assigned(applications[2])


def test_manual_assignment_refuses_a_declared_conflict(
    commission, applications, expert_profile, methodologist
):
    services.conflict_declare(
        actor=methodologist,
        application=applications[1],
        expert=expert_profile,
        reason="Родственник директора",
    )
    with pytest.raises(ValidationError, match="declared a conflict"):
        services.assignment_add(actor=methodologist, application=applications[1], expert=expert_profile)


def test_manual_assignment_refuses_non_members_max_load_and_unaccepted(
    commission, applications, outsider, expert_profile, methodologist, contest
):
    with pytest.raises(ValidationError, match="not a member"):
        services.assignment_add(actor=methodologist, application=applications[1], expert=outsider)
    CommissionMember.objects.filter(expert=expert_profile).update(max_load=1)
    services.assignment_add(actor=methodologist, application=applications[1], expert=expert_profile)
    with pytest.raises(ValidationError, match="maximum of 1"):
        services.assignment_add(actor=methodologist, application=applications[2], expert=expert_profile)
    draft = ApplicationFactory(contest=contest)
    with pytest.raises(ValidationError, match="passed the formal check"):
        services.assignment_add(actor=methodologist, application=draft, expert=expert_profile)


def test_assignments_are_changed_by_the_organiser_or_the_chair(
    commission, applications, expert_profile, chair, other_methodologist, coordinator
):
    for user in (other_methodologist, coordinator, expert_profile.user):
        with pytest.raises(PermissionDenied):
            services.assignment_add(actor=user, application=applications[1], expert=expert_profile)
    services.assignment_add(actor=chair.user, application=applications[1], expert=expert_profile)


def test_remove_after_publication_only_while_the_sheet_is_untouched(
    commission, applications, expert_profile, methodologist
):
    untouched = AssignmentFactory(application=applications[1], expert=expert_profile)
    started = AssignmentFactory(application=applications[2], expert=expert_profile)
    ScoreSheet.objects.filter(assignment=started).update(version=2)
    publish(commission)
    with pytest.raises(ValidationError, match="already started scoring"):
        services.assignment_remove(actor=methodologist, assignment=started)
    services.assignment_remove(actor=methodologist, assignment=untouched)
    assert set(Assignment.objects.values_list("pk", flat=True)) == {started.pk}


def test_declaring_a_conflict_removes_a_draft_assignment(
    commission, applications, expert_profile, methodologist, django_capture_on_commit_callbacks
):
    AssignmentFactory(application=applications[1], expert=expert_profile)
    publish(commission)
    with django_capture_on_commit_callbacks(execute=True):
        services.conflict_declare(
            actor=expert_profile.user,
            application=applications[1],
            expert=expert_profile,
            reason="Бывший сотрудник",
        )
    assert not assigned(applications[1])
    assert ConflictDeclaration.objects.filter(expert=expert_profile, application=applications[1]).exists()
    log = ActivityLog.objects.get(action="expertise.conflict_declare")
    assert log.changes["assignment_removed"] == [None, True]
    assert mail.outbox and methodologist.email in mail.outbox[0].to  # the organiser must assign another


def test_declaring_a_conflict_is_refused_after_submission(commission, applications, expert_profile):
    assignment = AssignmentFactory(application=applications[1], expert=expert_profile)
    submit_sheet(assignment, [3, 10])
    publish(commission)
    with pytest.raises(ValidationError, match="ask the chair to reopen"):
        services.conflict_declare(
            actor=expert_profile.user,
            application=applications[1],
            expert=expert_profile,
            reason="Поздно понял",
        )
    assert assigned(applications[1]) == {expert_profile.pk}
    assert not ConflictDeclaration.objects.exists()


def test_declaring_needs_a_reason_and_a_member(commission, applications, expert_profile, outsider):
    with pytest.raises(ValidationError):
        services.conflict_declare(
            actor=expert_profile.user, application=applications[1], expert=expert_profile, reason="  "
        )
    with pytest.raises(PermissionDenied):
        services.conflict_declare(
            actor=outsider.user, application=applications[1], expert=outsider, reason="x"
        )
    with pytest.raises(PermissionDenied):  # nobody declares for another expert but the organiser
        services.conflict_declare(
            actor=outsider.user, application=applications[1], expert=expert_profile, reason="x"
        )


# --- automatic assignment ------------------------------------------------------------------------


def test_auto_gives_k_experts_respecting_conflicts_loads_and_manual_ones(
    commission, applications, expert_profile, conflicted, methodologist
):
    manual = services.assignment_add(actor=methodologist, application=applications[0], expert=expert_profile)
    outcome = services.assignments_auto(actor=methodologist, contest=commission.contest)
    assert outcome.complete
    k = commission.contest.experts_per_application
    for application in applications:
        assert len(assigned(application)) == k
    assert conflicted.pk not in assigned(applications[0])  # works in org_a
    assert Assignment.objects.get(pk=manual.pk).source == Assignment.Source.MANUAL
    assert Assignment.objects.filter(source=Assignment.Source.AUTO).count() == 3 * k - 1
    # empty profiles: every pair scores 0, and the ties are spread over the members
    loads = [Assignment.objects.filter(expert_id=m.expert_id).count() for m in commission.members.all()]
    assert max(loads) - min(loads) <= 1  # 6 sheets over 4 experts: 2, 2, 1, 1
    assert ScoreSheet.objects.count() == 3 * k
    assert all(a.affinity == 0 for a in Assignment.objects.filter(source=Assignment.Source.AUTO))
    # running again changes nothing
    again = services.assignments_auto(actor=methodologist, contest=commission.contest)
    assert again.added == []


def test_auto_respects_max_load(commission, applications, methodologist):
    CommissionMember.objects.filter(commission=commission).update(max_load=2)
    services.assignments_auto(actor=methodologist, contest=commission.contest)
    for member in commission.members.all():
        assert Assignment.objects.filter(expert_id=member.expert_id).count() <= 2


def test_auto_explains_an_impossible_instance_and_changes_nothing(
    commission, applications, methodologist, conflicted, chair, expert_profile
):
    commission.contest.experts_per_application = 4
    commission.contest.save()
    CommissionMember.objects.filter(expert=chair).update(max_load=1)
    with pytest.raises(ValidationError) as error:
        services.assignments_auto(actor=methodologist, contest=commission.contest)
    text = " ".join(error.value.messages)
    assert f"{applications[0]} needs 4 more experts, but only 3 members may score it" in text
    assert "1 member is in conflict (the expert works in the applicant organisation)" in text
    assert not Assignment.objects.exists()
    # fill what is possible: conflicts and maximum loads still hold
    outcome = services.assignments_auto(actor=methodologist, contest=commission.contest, allow_partial=True)
    assert not outcome.complete and outcome.reasons
    assert Assignment.objects.count() == len(outcome.added) > 0
    assert conflicted.pk not in assigned(applications[0])
    assert Assignment.objects.filter(expert=chair).count() <= 1


# --- publication ---------------------------------------------------------------------------------


def test_publication_shows_the_assignments_and_mails_the_experts(
    commission, applications, chair, methodologist, expert_profile, django_capture_on_commit_callbacks
):
    services.assignments_auto(actor=methodologist, contest=commission.contest)
    experts = {a.expert.user.email for a in Assignment.objects.select_related("expert__user")}
    with pytest.raises(PermissionDenied):  # a member who is not the chair
        services.assignments_publish(actor=expert_profile.user, contest=commission.contest)
    with django_capture_on_commit_callbacks(execute=True):
        services.assignments_publish(actor=chair.user, contest=commission.contest)
    commission.refresh_from_db()
    assert commission.assignments_published_at is not None
    assert {m.to[0] for m in mail.outbox} == experts
    assert "Applications to score" in mail.outbox[0].subject
    with pytest.raises(ValidationError, match="already been published"):
        services.assignments_publish(actor=chair.user, contest=commission.contest)


def test_publication_refuses_applications_lacking_experts(
    commission, applications, expert_profile, methodologist, django_capture_on_commit_callbacks
):
    services.assignment_add(actor=methodologist, application=applications[0], expert=expert_profile)
    with pytest.raises(ValidationError) as error, django_capture_on_commit_callbacks(execute=True):
        services.assignments_publish(actor=methodologist, contest=commission.contest)
    assert f"{applications[0]} has 1 of 2 experts." in error.value.messages
    commission.refresh_from_db()
    assert commission.assignments_published_at is None
    assert mail.outbox == []


def test_publication_needs_the_expertise_state(commission, applications, methodologist):
    commission.contest.state = ContestState.ANNOUNCED
    commission.contest.save()
    with pytest.raises(ValidationError, match="in the expertise"):
        services.assignments_publish(actor=methodologist, contest=commission.contest)


def test_an_expert_added_after_publication_is_told(
    commission, applications, expert_profile, methodologist, django_capture_on_commit_callbacks
):
    publish(commission)
    with django_capture_on_commit_callbacks(execute=True):
        services.assignment_add(actor=methodologist, application=applications[1], expert=expert_profile)
    assert [m.to for m in mail.outbox] == [[expert_profile.user.email]]
