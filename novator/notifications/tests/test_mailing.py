"""Group mail: a methodologist writes to the applicants of a contest, the registrants of an event, the
partners of a network — preview with the number of recipients, «Send» as a job, the mailings kept."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from novator.accounts.models import Role
from novator.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from novator.contests.models import ApplicationState
from novator.contests.tests.factories import ApplicationFactory, ContestFactory
from novator.core.idempotency import FIELD
from novator.core.models import Job
from novator.events.models import RegistrationStatus
from novator.events.tests.factories import EventFactory, RegistrationFactory
from novator.networks.models import PartnerState
from novator.networks.tests.factories import NetworkFactory, PartnershipFactory
from novator.notifications import mailing
from novator.notifications.models import GroupMailing, Notification
from novator.organizations.tests.factories import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Services speak the active language; the tests read English messages."""
    with translation.override("en"):
        yield


@pytest.fixture
def client():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def _coordinator_of(organization, **kwargs):
    user = UserFactory(**kwargs)
    RoleAssignmentFactory(user=user, role=Role.COORDINATOR, organization=organization)
    return user


@pytest.fixture
def contest(municipality):
    contest = ContestFactory(organiser_municipality=municipality, announced=True)
    for state in (ApplicationState.SUBMITTED, ApplicationState.ACCEPTED, ApplicationState.REJECTED):
        application = ApplicationFactory(contest=contest, state=state)
        _coordinator_of(application.organization, first_name="Ирина")
    return contest


def _send(client, url, subject="Совещание", text="Совещание в пятницу.", token=None):
    data = {"subject": subject, "text": text, "action": "send"}
    if token:
        data[FIELD] = token
    return client.post(url, data)


def test_contest_applicants_are_the_coordinators_of_those_who_applied(contest, municipality):
    draft = ApplicationFactory(contest=contest, state=ApplicationState.DRAFT)
    withdrawn = ApplicationFactory(contest=contest, state=ApplicationState.WITHDRAWN)
    _coordinator_of(draft.organization)
    _coordinator_of(withdrawn.organization)
    inactive = ApplicationFactory(contest=contest, state=ApplicationState.SUBMITTED)
    _coordinator_of(inactive.organization, is_active=False)
    assert len(mailing.group_recipients("contest", contest)) == 3


def test_preview_shows_the_text_the_count_and_names_and_sends_nothing(client, methodologist, contest):
    client.force_login(methodologist)
    url = reverse("notifications:mail_contest", args=[contest.pk])
    page = client.post(url, {"subject": "Совещание", "text": "Совещание в пятницу.", "action": "preview"})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="mail-count"' in html and "3 recipients" in html
    assert "Ирина" in html and "Совещание в пятницу." in html
    assert not GroupMailing.objects.exists() and not Notification.objects.exists()


def test_send_runs_a_job_that_notifies_each_recipient_once(
    client, methodologist, contest, django_capture_on_commit_callbacks
):
    client.force_login(methodologist)
    url = reverse("notifications:mail_contest", args=[contest.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = _send(client, url)
    sent = GroupMailing.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "core:job_detail", args=[sent.job_id]
    )
    assert (sent.author, sent.group_kind, sent.group_id, sent.recipients) == (
        methodologist,
        "contest",
        contest.pk,
        3,
    )
    assert sent.sent_at is not None and sent.delivered == 3
    notes = Notification.objects.filter(kind=mailing.KIND)
    assert notes.count() == 3 and len({n.user_id for n in notes}) == 3
    assert {n.url for n in notes} == {contest.get_absolute_url()}
    job = Job.objects.get(pk=sent.job_id)
    assert (job.state, job.done, job.total) == (Job.State.SUCCEEDED, 3, 3)
    assert job.result_url == url
    assert "Совещание" in client.get(url).content.decode()  # the list of mailings sent before


def test_a_resumed_job_does_not_notify_anyone_twice(methodologist, contest):
    sent = mailing.mailing_send(
        actor=methodologist, kind="contest", pk=contest.pk, subject="Тема", text="Текст"
    )
    first = mailing.group_recipients("contest", contest)[0].target
    from novator.notifications.services import notify

    notify([first], kind=mailing.KIND, subject="Тема", body="Текст")
    GroupMailing.objects.filter(pk=sent.pk).update(delivered=1)  # the worker died after the first one
    mailing.mailing_deliver(mailing_id=sent.pk)
    assert Notification.objects.filter(kind=mailing.KIND).count() == 3
    mailing.mailing_deliver(mailing_id=sent.pk)  # run again: a sent mailing is left as it is
    assert Notification.objects.filter(kind=mailing.KIND).count() == 3


def test_double_submit_sends_once(client, methodologist, contest, django_capture_on_commit_callbacks):
    client.force_login(methodologist)
    url = reverse("notifications:mail_contest", args=[contest.pk])
    token = "5f0b3c1e-0000-4000-8000-000000000026"
    with django_capture_on_commit_callbacks(execute=True):
        first = _send(client, url, token=token)
        second = _send(client, url, token=token)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert GroupMailing.objects.count() == 1
    assert Notification.objects.filter(kind=mailing.KIND).count() == 3


@pytest.mark.parametrize(
    ("subject", "text", "error"),
    [
        ("", "Текст", "This field is required."),
        ("Тема", "   ", "This field is required."),
        ("Т" * 201, "Текст", "Ensure this value has at most 200 characters"),
        ("Тема", "т" * 10_001, "Ensure this value has at most 10000 characters"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_sent(client, methodologist, contest, subject, text, error):
    client.force_login(methodologist)
    response = _send(client, reverse("notifications:mail_contest", args=[contest.pk]), subject, text)
    assert response.status_code == 200 and error in response.content.decode()
    assert not GroupMailing.objects.exists() and not Notification.objects.exists()


def test_the_service_refuses_bad_input_itself(methodologist, contest):
    with pytest.raises(ValidationError) as exc:
        mailing.mailing_send(
            actor=methodologist, kind="contest", pk=contest.pk, subject=" ", text="т" * 10_001
        )
    assert set(exc.value.message_dict) == {"subject", "text"}
    assert not GroupMailing.objects.exists()


def test_a_group_one_does_not_manage_is_refused(client, other_methodologist, coordinator, contest):
    url = reverse("notifications:mail_contest", args=[contest.pk])
    for user in (other_methodologist, coordinator):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert _send(client, url).status_code == 403
    with pytest.raises(PermissionDenied):
        mailing.mailing_send(actor=other_methodologist, kind="contest", pk=contest.pk, subject="Т", text="Т")
    assert not GroupMailing.objects.exists() and not Notification.objects.exists()


def test_a_group_with_no_recipients_is_refused_with_a_sentence(client, methodologist, municipality):
    empty = ContestFactory(organiser_municipality=municipality, announced=True)
    client.force_login(methodologist)
    response = _send(client, reverse("notifications:mail_contest", args=[empty.pk]))
    assert "This group has no one to write to yet: nothing is sent." in response.content.decode()
    assert not GroupMailing.objects.exists() and not Job.objects.exists()


def test_script_in_the_text_is_escaped_in_the_preview_and_the_notifications(
    client, methodologist, contest, django_capture_on_commit_callbacks
):
    client.force_login(methodologist)
    url = reverse("notifications:mail_contest", args=[contest.pk])
    text = "Привет <script>alert(1)</script>"
    preview = client.post(url, {"subject": "Тема", "text": text, "action": "preview"}).content.decode()
    assert "<script>alert(1)</script>" not in preview and "&lt;script&gt;" in preview
    two_lines = {"subject": "Т", "text": "Привет\nмир", "action": "preview"}
    assert "Привет<br>мир" in client.post(url, two_lines).content.decode()  # the lines kept
    with django_capture_on_commit_callbacks(execute=True):
        _send(client, url, text=text)
    recipient = Notification.objects.filter(kind=mailing.KIND).first().user
    client.force_login(recipient)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert mail.outbox and all(text in m.body for m in mail.outbox)  # plain text e-mail, as written


def test_event_registrants_registered_and_waitlisted_and_those_without_accounts(
    client, methodologist, org_a, django_capture_on_commit_callbacks
):
    event = EventFactory(organizers=[org_a])
    with_account = PersonFactory(user=UserFactory())
    RegistrationFactory(event=event, person=with_account)
    RegistrationFactory(event=event, person=PersonFactory(email="guest@example.org"))
    RegistrationFactory(event=event, status=RegistrationStatus.WAITLISTED)
    RegistrationFactory(event=event, status=RegistrationStatus.CANCELLED)
    assert len(mailing.group_recipients("event", event)) == 3
    client.force_login(methodologist)
    url = reverse("notifications:mail_event", args=[event.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert _send(client, url).status_code == 302
    assert GroupMailing.objects.get().recipients == 3
    assert Notification.objects.filter(kind=mailing.KIND, user=with_account.user).count() == 1


def test_network_partners_are_the_leader_and_confirmed_partners(methodologist, municipality):
    leader = OrganizationFactory(municipality=municipality)
    network = NetworkFactory(leader=leader)
    _coordinator_of(leader)
    confirmed = PartnershipFactory(network=network, state=PartnerState.CONFIRMED)
    invited = PartnershipFactory(network=network, state=PartnerState.INVITED)
    _coordinator_of(confirmed.organization)
    _coordinator_of(invited.organization)
    assert len(mailing.group_recipients("network", network)) == 2
    sent = mailing.mailing_send(actor=methodologist, kind="network", pk=network.pk, subject="Т", text="Т")
    assert sent.recipients == 2


def test_links_to_the_form_only_for_those_who_may_write(client, methodologist, other_methodologist, contest):
    event = EventFactory(organizers=[OrganizationFactory(municipality=contest.organiser_municipality)])
    network = NetworkFactory(leader=OrganizationFactory(municipality=contest.organiser_municipality))
    pages = [
        reverse("contests:applications", args=[contest.pk]),
        event.get_absolute_url(),
        network.get_absolute_url(),
    ]
    client.force_login(methodologist)
    for page in pages:
        assert 'id="group-mail-link"' in client.get(page).content.decode(), page
    client.force_login(other_methodologist)
    for page in pages[1:]:
        assert 'id="group-mail-link"' not in client.get(page).content.decode(), page
