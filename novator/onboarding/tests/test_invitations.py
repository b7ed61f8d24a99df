"""Invitations: who may invite whom, the e-mail, the link (expired, used, revoked, forged), acceptance."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from novator.accounts.models import Role, RoleAssignment, User
from novator.accounts.scope import get_scope
from novator.core.models import ActivityLog
from novator.notifications.models import Notification
from novator.onboarding import services
from novator.onboarding.models import Invitation, InvitationState
from novator.organizations.models import Person
from novator.organizations.tests.factories import OrganizationFactory, PersonFactory

from .helpers import accept_data, link_token

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("base_url")]

BASE = "https://novator.example.org"


@pytest.fixture
def base_url():
    with override_settings(NOVATOR_BASE_URL=BASE):
        yield


def _invite(actor, capture, email="new.teacher@example.org", role=Role.TEACHER, organization=None, **kw):
    with capture(execute=True):
        return services.invitation_create(
            actor=actor, email=email, role=role, organization=organization, **kw
        )


# --- who may invite whom --------------------------------------------------------------------------------


def test_coordinator_invites_staff_of_own_organisation(
    coordinator, org_a, django_capture_on_commit_callbacks
):
    invitation = _invite(coordinator, django_capture_on_commit_callbacks, organization=org_a)
    assert invitation.state == InvitationState.PENDING
    assert invitation.expires_at - timezone.now() > datetime.timedelta(days=6, hours=23)
    [message] = mail.outbox
    assert message.to == ["new.teacher@example.org"]
    assert message.subject == "Приглашение в «Новатор»"
    assert f"{BASE}/people/invitation/" in message.body
    assert "в роли «Педагог» (МБОУ СОШ № 1 ст. Выселки)" in message.body
    assert ActivityLog.objects.filter(action="invitation.create").count() == 1


@override_settings(NOVATOR_INVITATION_DAYS=2)
def test_the_term_is_a_setting(coordinator, org_a, django_capture_on_commit_callbacks):
    invitation = _invite(coordinator, django_capture_on_commit_callbacks, organization=org_a)
    assert invitation.expires_at - timezone.now() < datetime.timedelta(days=2, minutes=1)


def test_coordinator_may_not_invite_to_another_organisation(
    coordinator, org_b, django_capture_on_commit_callbacks
):
    with pytest.raises(ValidationError) as caught:
        _invite(coordinator, django_capture_on_commit_callbacks, organization=org_b)
    assert "вне" in " ".join(caught.value.messages) or "outside" in " ".join(caught.value.messages)
    assert not Invitation.objects.exists() and not mail.outbox


def test_methodologist_invites_coordinators_of_their_municipality_only(
    methodologist, org_a, org_b, django_capture_on_commit_callbacks
):
    _invite(methodologist, django_capture_on_commit_callbacks, role=Role.COORDINATOR, organization=org_a)
    with pytest.raises(ValidationError):
        _invite(
            methodologist,
            django_capture_on_commit_callbacks,
            "b@example.org",
            Role.COORDINATOR,
            organization=org_b,
        )
    with pytest.raises(ValidationError):  # a teacher is the coordinator's to invite
        _invite(
            methodologist,
            django_capture_on_commit_callbacks,
            "c@example.org",
            Role.TEACHER,
            organization=org_a,
        )
    assert Invitation.objects.count() == 1


def test_methodologists_are_invited_by_whoever_manages_the_region(
    admin_user, methodologist, municipality, django_capture_on_commit_callbacks
):
    with pytest.raises(ValidationError):
        _invite(
            methodologist,
            django_capture_on_commit_callbacks,
            role=Role.METHODOLOGIST,
            municipality=municipality,
        )
    invitation = _invite(
        admin_user, django_capture_on_commit_callbacks, role=Role.METHODOLOGIST, municipality=municipality
    )
    assert invitation.municipality == municipality and invitation.organization is None


@pytest.mark.parametrize("role", [Role.ADMIN, Role.EXPERT, Role.OBSERVER, "wizard"])
def test_a_role_an_invitation_cannot_give_is_refused(
    admin_user, org_a, role, django_capture_on_commit_callbacks
):
    with pytest.raises(ValidationError) as caught:
        _invite(admin_user, django_capture_on_commit_callbacks, role=role, organization=org_a)
    assert caught.value.error_dict["role"]
    assert not Invitation.objects.exists()


def test_an_existing_account_is_not_invited(coordinator, teacher, org_a, django_capture_on_commit_callbacks):
    with pytest.raises(ValidationError) as caught:
        _invite(
            coordinator, django_capture_on_commit_callbacks, email=teacher.email.upper(), organization=org_a
        )
    assert "Учётная запись с адресом" in caught.value.message_dict["email"][0]
    assert not Invitation.objects.exists() and not mail.outbox


def test_a_second_invitation_to_the_same_address_is_refused(
    coordinator, org_a, django_capture_on_commit_callbacks
):
    _invite(coordinator, django_capture_on_commit_callbacks, organization=org_a)
    with pytest.raises(ValidationError):
        _invite(
            coordinator,
            django_capture_on_commit_callbacks,
            email="NEW.teacher@example.org",
            organization=org_a,
        )
    assert Invitation.objects.count() == 1


def test_an_expired_invitation_makes_way_for_a_new_one(
    coordinator, org_a, django_capture_on_commit_callbacks
):
    first = _invite(coordinator, django_capture_on_commit_callbacks, organization=org_a)
    Invitation.objects.filter(pk=first.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    _invite(coordinator, django_capture_on_commit_callbacks, organization=org_a)
    first.refresh_from_db()
    assert first.state == InvitationState.EXPIRED


# --- the link -------------------------------------------------------------------------------------------


def test_accepting_makes_the_account_with_role_and_consent(
    client, coordinator, org_a, django_capture_on_commit_callbacks
):
    _invite(coordinator, django_capture_on_commit_callbacks, organization=org_a)
    url = reverse("onboarding:accept", args=[link_token()])
    assert client.get(url).status_code == 200
    response = client.post(url, accept_data())
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    user = User.objects.get(email="new.teacher@example.org")
    assert user.check_password("Zdravstvuj-mir-2024") and user.last_name == "Кузнецова"
    assert get_scope(user).teacher_organizations == frozenset({org_a.pk})
    person = Person.objects.get(user=user)
    assert person.organization == org_a and person.processing_consent_on == timezone.localdate()
    invitation = Invitation.objects.get()
    assert invitation.state == InvitationState.ACCEPTED and invitation.user == user
    # signed in, and the home page shows the role's section
    home = client.get(reverse("portal:home"))
    assert home.wsgi_request.user == user and "teacher" in home.context
    # the inviter is told
    note = Notification.objects.get(user=coordinator, kind="onboarding.invitation_accepted")
    assert note.subject == "new.teacher@example.org принял(а) ваше приглашение"


def test_a_used_link_is_refused_and_changes_nothing(
    client, coordinator, org_a, django_capture_on_commit_callbacks
):
    _invite(coordinator, django_capture_on_commit_callbacks, organization=org_a)
    url = reverse("onboarding:accept", args=[link_token()])
    client.post(url, accept_data())
    client.logout()
    response = client.post(url, accept_data(password1="Другой-пароль-2024", password2="Другой-пароль-2024"))
    assert response.status_code == 410
    assert "уже использовано" in response.content.decode()
    assert User.objects.get(email="new.teacher@example.org").check_password("Zdravstvuj-mir-2024")
    assert User.objects.filter(email__iexact="new.teacher@example.org").count() == 1


def test_an_expired_link_is_refused(client, coordinator, org_a, django_capture_on_commit_callbacks):
    _invite(coordinator, django_capture_on_commit_callbacks, organization=org_a)
    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = client.post(reverse("onboarding:accept", args=[link_token()]), accept_data())
    assert response.status_code == 410 and "истёк" in response.content.decode()
    assert not User.objects.filter(email="new.teacher@example.org").exists()
    assert Invitation.objects.get().state == InvitationState.PENDING


def test_a_revoked_link_is_refused(client, coordinator, org_a, django_capture_on_commit_callbacks):
    invitation = _invite(coordinator, django_capture_on_commit_callbacks, organization=org_a)
    services.invitation_transition(actor=coordinator, invitation=invitation, name="revoke")
    response = client.get(reverse("onboarding:accept", args=[link_token()]))
    assert response.status_code == 410 and "отозвано" in response.content.decode()


@pytest.mark.parametrize("mangle", ["x", "tail", "unsigned"])
def test_a_forged_link_is_refused(client, coordinator, org_a, mangle, django_capture_on_commit_callbacks):
    _invite(coordinator, django_capture_on_commit_callbacks, organization=org_a)
    token = link_token()
    forged = {"x": "x", "tail": token[:-2] + "zz", "unsigned": token.split(".")[0]}[mangle]
    response = client.post(reverse("onboarding:accept", args=[forged]), accept_data())
    assert response.status_code == 410 and "недействительна" in response.content.decode()
    assert not User.objects.filter(email="new.teacher@example.org").exists()


def test_a_resent_invitation_kills_the_old_link(
    client, coordinator, org_a, django_capture_on_commit_callbacks
):
    invitation = _invite(coordinator, django_capture_on_commit_callbacks, organization=org_a)
    old = link_token()
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_transition(actor=coordinator, invitation=invitation, name="resend")
    new = link_token()
    assert new != old and len(mail.outbox) == 2
    assert client.get(reverse("onboarding:accept", args=[old])).status_code == 410
    assert client.get(reverse("onboarding:accept", args=[new])).status_code == 200


def test_without_consent_nothing_is_made(client, coordinator, org_a, django_capture_on_commit_callbacks):
    _invite(coordinator, django_capture_on_commit_callbacks, organization=org_a)
    data = accept_data()
    del data["consent"]
    response = client.post(reverse("onboarding:accept", args=[link_token()]), data)
    assert response.status_code == 200
    assert "Без согласия" in response.content.decode()
    assert not User.objects.filter(email="new.teacher@example.org").exists()
    assert Invitation.objects.get().state == InvitationState.PENDING


def test_an_address_taken_after_the_invitation_is_refused_at_acceptance(
    client, coordinator, org_a, django_capture_on_commit_callbacks
):
    _invite(coordinator, django_capture_on_commit_callbacks, organization=org_a)
    User.objects.create_user("someone", email="New.Teacher@example.org", password="x")
    response = client.post(reverse("onboarding:accept", args=[link_token()]), accept_data())
    assert response.status_code == 410
    assert User.objects.filter(email__iexact="new.teacher@example.org").count() == 1
    assert Invitation.objects.get().state == InvitationState.PENDING


def test_accepting_links_the_staff_record_the_invitation_was_made_for(
    coordinator, org_a, django_capture_on_commit_callbacks
):
    person = PersonFactory(organization=org_a, email="new.teacher@example.org")
    _invite(coordinator, django_capture_on_commit_callbacks, organization=org_a, person=person)
    user = services.invitation_accept(
        link_token=link_token(), **_names(), password="Zdravstvuj-mir-2024", consent=True
    )
    person.refresh_from_db()
    assert person.user == user and person.has_processing_consent
    assert Person.objects.filter(organization=org_a).count() == 1


def test_an_inviter_who_lost_the_role_gives_nothing(
    client, coordinator, org_a, django_capture_on_commit_callbacks
):
    _invite(coordinator, django_capture_on_commit_callbacks, organization=org_a)
    RoleAssignment.objects.filter(user=coordinator).delete()
    response = client.post(reverse("onboarding:accept", args=[link_token()]), accept_data())
    assert response.status_code == 410 and "больше не может" in response.content.decode()
    assert not User.objects.filter(email="new.teacher@example.org").exists()


def _names():
    return {"last_name": "Кузнецова", "first_name": "Ирина", "middle_name": ""}


def test_an_invited_methodologist_gets_the_municipality(
    admin_user, municipality, django_capture_on_commit_callbacks
):
    _invite(
        admin_user, django_capture_on_commit_callbacks, role=Role.METHODOLOGIST, municipality=municipality
    )
    user = services.invitation_accept(
        link_token=link_token(), **_names(), password="Zdravstvuj-mir-2024", consent=True
    )
    assert RoleAssignment.objects.get(user=user).municipality == municipality
    assert not Person.objects.filter(user=user).exists()


# --- resend and revoke from the users page ---------------------------------------------------------------


def test_resend_and_revoke_buttons(client, coordinator, org_a, django_capture_on_commit_callbacks):
    invitation = _invite(coordinator, django_capture_on_commit_callbacks, organization=org_a)
    client.force_login(coordinator)
    page = client.get(reverse("onboarding:users")).content.decode()
    assert "Отправить повторно" in page and "new.teacher@example.org" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("onboarding:invitation_resend", args=[invitation.pk]))
    assert response.status_code == 302 and len(mail.outbox) == 2
    client.post(reverse("onboarding:invitation_revoke", args=[invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.REVOKED
    response = client.post(reverse("onboarding:invitation_resend", args=[invitation.pk]), follow=True)
    assert "отозвано" in response.content.decode()


def test_another_coordinator_cannot_touch_an_invitation(
    client, coordinator, coordinator_b, org_a, django_capture_on_commit_callbacks
):
    invitation = _invite(coordinator, django_capture_on_commit_callbacks, organization=org_a)
    client.force_login(coordinator_b)
    assert client.post(reverse("onboarding:invitation_revoke", args=[invitation.pk])).status_code == 404
    assert Invitation.objects.get().state == InvitationState.PENDING


def test_the_invitation_page_sends_one(client, coordinator, org_a, django_capture_on_commit_callbacks):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("onboarding:invitation_create"),
            {"email": "x@example.org", "role": Role.TEACHER, "organization": org_a.pk},
        )
    assert response.status_code == 302
    assert Invitation.objects.get().email == "x@example.org"


def test_the_invitation_page_shows_a_duplicate_address(client, coordinator, teacher, org_a):
    client.force_login(coordinator)
    response = client.post(
        reverse("onboarding:invitation_create"),
        {"email": teacher.email, "role": Role.TEACHER, "organization": org_a.pk},
    )
    assert response.status_code == 200
    assert "Учётная запись с адресом" in response.content.decode()
    assert not Invitation.objects.exists()


def test_the_invitation_page_does_not_offer_another_organisation(client, coordinator, org_b):
    client.force_login(coordinator)
    response = client.post(
        reverse("onboarding:invitation_create"),
        {"email": "x@example.org", "role": Role.TEACHER, "organization": org_b.pk},
    )
    assert response.status_code == 200 and not Invitation.objects.exists()
    assert org_b.short_name not in response.content.decode()


# --- real delivery --------------------------------------------------------------------------------------


def test_an_invitation_end_to_end_over_a_real_smtp_server(
    smtp_server, client, coordinator, org_a, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("onboarding:invitation_create"),
            {"email": "smtp.teacher@example.org", "role": Role.TEACHER, "organization": org_a.pk},
        )
    client.logout()
    [received] = smtp_server.messages
    assert received.envelope_to == ["smtp.teacher@example.org"]
    assert str(received["Subject"]).strip() == "Приглашение в «Новаторе»".replace("«Новаторе»", "«Новатор»")
    body = received.get_content()
    url = reverse("onboarding:accept", args=[link_token(type("M", (), {"body": body})())])
    response = client.post(url, accept_data())
    assert response.status_code == 302
    user = User.objects.get(email="smtp.teacher@example.org")
    assert get_scope(user).has_role(Role.TEACHER)
    assert client.get(url).status_code == 410  # single use


def test_organisation_factory_helper_is_in_scope_of_nobody(coordinator):
    """A fresh organisation belongs to no coordinator: the invitation to it is refused."""
    other = OrganizationFactory()
    with pytest.raises(ValidationError):
        services.invitation_create(
            actor=coordinator, email="z@example.org", role=Role.TEACHER, organization=other
        )


def test_two_invitations_racing_for_one_address_give_a_message(
    coordinator, org_a, monkeypatch, django_capture_on_commit_callbacks
):
    """The check passed in both requests; the database's constraint decides, and the loser gets a message."""
    _invite(coordinator, django_capture_on_commit_callbacks, organization=org_a)
    monkeypatch.setattr(services, "check_address_free", lambda email, exclude=None: None)
    with pytest.raises(ValidationError) as caught:
        _invite(coordinator, django_capture_on_commit_callbacks, organization=org_a)
    assert "только что" in caught.value.message_dict["email"][0]
    assert Invitation.objects.count() == 1 and len(mail.outbox) == 1


def test_only_the_declared_transitions_are_performed(coordinator, org_a, django_capture_on_commit_callbacks):
    invitation = _invite(coordinator, django_capture_on_commit_callbacks, organization=org_a)
    for name in ("accept", "expire", "promote"):
        with pytest.raises(ValidationError):
            services.invitation_transition(actor=coordinator, invitation=invitation, name=name)
    services.invitation_transition(actor=coordinator, invitation=invitation, name="revoke")
    with pytest.raises(ValidationError):  # revoked is final
        services.invitation_transition(actor=coordinator, invitation=invitation, name="resend")
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.REVOKED
    assert ActivityLog.objects.filter(action="invitation.revoke").count() == 1


def test_the_invitation_form_is_styled_like_the_site_s_other_forms(client, methodologist):
    """Bootstrap's classes on every field: bare browser widgets overflowed a 390 px phone."""
    client.force_login(methodologist)
    page = client.get(reverse("onboarding:invitation_create")).content.decode()
    assert 'type="email" name="email"' in page and 'class="form-control"' in page
    assert page.count('class="form-select"') >= 2  # the role and the organisation


def test_a_coordinator_s_only_organisation_is_chosen_already(client, coordinator, org_a):
    client.force_login(coordinator)
    page = client.get(reverse("onboarding:invitation_create")).content.decode()
    assert f'<option value="{org_a.pk}" selected>' in page
