"""The region's shared pool of experts: invitations to a commission (invite, accept, decline, withdraw),
bad input (invited twice, answered by someone else), the search and the load across the year's contests."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from novator.expertise import selectors, services
from novator.expertise.models import CommissionInvitation, CommissionMember, InvitationState
from novator.notifications.models import Notification
from novator.organizations.tests.factories import MunicipalityFactory, RegionFactory

from .factories import AssignmentFactory, ExpertFactory, submit_sheet

pytestmark = pytest.mark.django_db


@pytest.fixture
def guest(other_municipality: Any) -> Any:
    """An expert of another district of the region, not in the commission."""
    return ExpertFactory(
        municipality=other_municipality, user__last_name="Гостева", topics=["Инклюзивное образование"]
    )


def test_invite_then_accept_makes_a_member(commission, methodologist, guest):
    invitation = services.commission_invite(
        actor=methodologist, commission=commission, expert=guest, max_load=4
    )
    assert invitation.state == InvitationState.PENDING
    assert not commission.members.filter(expert=guest).exists()
    assert Notification.objects.filter(user=guest.user, kind="expertise.invitation").exists()

    services.invitation_answer(actor=guest.user, invitation=invitation, action="accept")

    invitation.refresh_from_db()
    assert invitation.state == InvitationState.ACCEPTED and invitation.answered_at is not None
    member = CommissionMember.objects.get(commission=commission, expert=guest)
    assert member.max_load == 4
    assert Notification.objects.filter(user=methodologist, kind="expertise.invitation").exists()


def test_decline_leaves_the_commission_as_it_was(commission, methodologist, guest):
    invitation = services.commission_invite(actor=methodologist, commission=commission, expert=guest)
    services.invitation_answer(actor=guest.user, invitation=invitation, action="decline")
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.DECLINED
    assert not commission.members.filter(expert=guest).exists()


def test_the_organiser_withdraws_and_the_expert_can_no_longer_accept(commission, methodologist, guest):
    invitation = services.commission_invite(actor=methodologist, commission=commission, expert=guest)
    services.invitation_answer(actor=methodologist, invitation=invitation, action="withdraw")
    with pytest.raises(ValidationError):
        services.invitation_answer(actor=guest.user, invitation=invitation, action="accept")
    assert not commission.members.filter(expert=guest).exists()


def test_invited_twice_is_refused_with_a_message(commission, methodologist, guest):
    services.commission_invite(actor=methodologist, commission=commission, expert=guest)
    with pytest.raises(ValidationError) as exc:
        services.commission_invite(actor=methodologist, commission=commission, expert=guest)
    assert "already been invited" in str(exc.value)
    assert CommissionInvitation.objects.filter(expert=guest).count() == 1


def test_a_member_cannot_be_invited(commission, methodologist, expert_profile):
    with pytest.raises(ValidationError) as exc:
        services.commission_invite(actor=methodologist, commission=commission, expert=expert_profile)
    assert "already a member" in str(exc.value)
    assert not CommissionInvitation.objects.exists()


def test_a_declined_expert_may_be_invited_again(commission, methodologist, guest):
    first = services.commission_invite(actor=methodologist, commission=commission, expert=guest)
    services.invitation_answer(actor=guest.user, invitation=first, action="decline")
    again = services.commission_invite(actor=methodologist, commission=commission, expert=guest)
    assert again.state == InvitationState.PENDING


def test_an_invitation_answered_by_someone_else_is_refused(commission, methodologist, guest, expert_profile):
    invitation = services.commission_invite(actor=methodologist, commission=commission, expert=guest)
    with pytest.raises(PermissionDenied):
        services.invitation_answer(actor=expert_profile.user, invitation=invitation, action="accept")
    # the organiser cannot accept on the expert's behalf either
    with pytest.raises(PermissionDenied):
        services.invitation_answer(actor=methodologist, invitation=invitation, action="accept")
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.PENDING
    assert not commission.members.filter(expert=guest).exists()


def test_another_municipalitys_methodologist_cannot_invite(commission, other_methodologist, guest):
    with pytest.raises(PermissionDenied):
        services.commission_invite(actor=other_methodologist, commission=commission, expert=guest)
    assert not CommissionInvitation.objects.exists()


def test_the_pool_holds_the_region_and_finds_by_subject_name_and_municipality(
    methodologist, guest, other_municipality
):
    far = ExpertFactory(
        municipality=MunicipalityFactory(region=RegionFactory(code="23", name="Другой край")),
        topics=["Инклюзивное образование"],
    )
    pool = list(selectors.expert_pool(methodologist))
    assert guest in pool and far not in pool
    assert list(selectors.expert_pool(methodologist, query="инклюзивное")) == [guest]
    assert list(selectors.expert_pool(methodologist, query="Гостева")) == [guest]
    assert guest in selectors.expert_pool(methodologist, municipality=other_municipality.pk)
    assert not selectors.expert_pool(methodologist, query="химия").exists()


def test_the_load_counts_assigned_and_due_sheets_across_the_contests_of_the_year(
    commission, applications, expert_profile
):
    submit_sheet(AssignmentFactory(application=applications[0], expert=expert_profile), [3, 8])
    AssignmentFactory(application=applications[1], expert=expert_profile)
    loads = selectors.expert_loads([expert_profile.pk], commission.contest.academic_year)
    assert loads[expert_profile.pk] == selectors.Load(contests=1, assigned=2, due=1)
    assert selectors.expert_loads([expert_profile.pk], "1999/00") == {}


def test_pool_page_invites_and_the_expert_answers_from_home(client, commission, methodologist, guest):
    client.force_login(methodologist)
    page = client.get(reverse("expertise:pool"), {"q": "Гостева", "contest": commission.contest_id})
    assert page.status_code == 200
    assert f'data-expert="{guest.pk}"' in page.content.decode()
    response = client.post(
        reverse("expertise:invite", args=[commission.contest_id]), {"expert": guest.pk, "max_load": "3"}
    )
    assert response.status_code == 302
    invitation = CommissionInvitation.objects.get(expert=guest)
    again = client.post(
        reverse("expertise:invite", args=[commission.contest_id]), {"expert": guest.pk}, follow=True
    )
    assert "already been invited" in again.content.decode()
    assert CommissionInvitation.objects.count() == 1
    commission_page = client.get(
        reverse("expertise:commission", args=[commission.contest_id])
    ).content.decode()
    assert 'data-list="pending-invitations"' in commission_page and "Гостева" in commission_page
    assert "data-load=" in commission_page

    client.force_login(guest.user)
    home = client.get(reverse("portal:home")).content.decode()
    assert 'data-list="home-invitations"' in home
    client.post(reverse("expertise:invitation_answer", args=[invitation.pk]), {"action": "accept"})
    assert commission.members.filter(expert=guest).exists()


def test_the_pool_is_not_for_experts(client, expert_profile):
    client.force_login(expert_profile.user)
    assert client.get(reverse("expertise:pool")).status_code == 403


def test_the_pool_page_query_count_does_not_grow(
    client, methodologist, other_municipality, django_assert_max_num_queries
):
    for _ in range(3):
        ExpertFactory(municipality=other_municipality)
    client.force_login(methodologist)
    client.get(reverse("expertise:pool"))
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("expertise:pool"))
    for _ in range(20):
        ExpertFactory(municipality=other_municipality)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("expertise:pool"))
