"""The thread of an application: messages both ways with files, notifications, the history, the rules."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from novator.contests.models import Application, ApplicationMessage, ApplicationState, ContestState
from novator.contests.services import application_transition
from novator.contests.thread.selectors import application_thread
from novator.contests.thread.services import application_message_send
from novator.notifications.models import Notification

from .factories import ApplicationFactory, complete_application
from .files import exe_as_pdf, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(contest: Any, org_a: Any) -> Any:
    application: Application = ApplicationFactory(  # type: ignore[assignment]
        contest=contest, organization=org_a, submitted=True
    )
    return complete_application(application)


def test_messages_both_ways_notify_the_other_side(
    application: Any, methodologist: Any, coordinator: Any
) -> None:
    question = application_message_send(
        actor=methodologist,
        application=application,
        text="Уточните, пожалуйста, сроки апробации.",
        uploads=[pdf("Замечания.pdf")],
    )
    assert question.side == "organiser" and question.files.get().file_type == "pdf"
    assert Notification.objects.filter(user=coordinator, kind="contests.message").exists()
    assert not Notification.objects.filter(user=methodologist, kind="contests.message").exists()
    reply = application_message_send(actor=coordinator, application=application, text="Сроки — 2026/27 год.")
    assert reply.side == "applicant"
    assert Notification.objects.filter(user=methodologist, kind="contests.message").exists()


def test_thread_holds_the_workflow_events(application: Any, methodologist: Any, coordinator: Any) -> None:
    application_message_send(actor=methodologist, application=application, text="Нет выписки.")
    application_transition(
        actor=methodologist,
        application=application,
        name="return",
        reason="Приложите выписку из протокола.",
        due=timezone.now() + datetime.timedelta(days=5),
    )
    application_message_send(actor=coordinator, application=application, text="Приложили.")
    items = application_thread(application)
    assert [i.message.text if i.message else i.label for i in items] == [
        "Нет выписки.",
        "The application is returned for fixes",
        "Приложили.",
    ]
    assert items[1].reason == "Приложите выписку из протокола."


@pytest.mark.parametrize("state", [ApplicationState.WITHDRAWN, ApplicationState.REJECTED])
def test_message_to_a_closed_application_is_refused(application: Any, methodologist: Any, state: str) -> None:
    application.state = state
    application.save()
    with pytest.raises(ValidationError) as error:
        application_message_send(actor=methodologist, application=application, text="Вопрос.")
    assert "The application is closed" in str(error.value)
    assert not ApplicationMessage.objects.exists()


def test_thread_closes_after_publication(application: Any, coordinator: Any) -> None:
    contest = application.contest
    contest.state = ContestState.PUBLISHED
    contest.save()
    with pytest.raises(ValidationError) as error:
        application_message_send(actor=coordinator, application=application, text="Вопрос.")
    assert "results are published" in str(error.value)


def test_bad_input_changes_nothing(application: Any, coordinator: Any) -> None:
    with pytest.raises(ValidationError) as error:
        application_message_send(
            actor=coordinator, application=application, text="  ", uploads=[exe_as_pdf("Ответ.pdf")]
        )
    assert set(error.value.message_dict) == {"text", "files"}
    assert not ApplicationMessage.objects.exists()


def test_outsiders_may_not_write_or_read(
    application: Any, coordinator: Any, coordinator_b: Any, teacher: Any, expert: Any, methodologist: Any
) -> None:
    for outsider in (coordinator_b, teacher, expert):
        with pytest.raises(PermissionDenied):
            application_message_send(actor=outsider, application=application, text="Вопрос.")
    message = application_message_send(
        actor=methodologist, application=application, text="Вопрос.", uploads=[pdf()]
    )
    file_url = f"/contests/messages/files/{message.files.get().pk}/"
    for user, status in ((coordinator, 200), (coordinator_b, 403), (teacher, 403), (expert, 403)):
        client = Client()
        client.force_login(user)
        assert client.get(file_url).status_code == status
    assert Client().get(file_url).status_code == 302  # to the login page


def test_page_shows_the_thread_and_sends(application: Any, coordinator: Any, methodologist: Any) -> None:
    application_message_send(actor=methodologist, application=application, text="Уточните цель проекта.")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(coordinator)
    page = client.get(application.get_absolute_url()).content.decode()
    assert "Correspondence and history" in page and "Уточните цель проекта." in page
    response = client.post(
        f"/contests/applications/{application.pk}/messages/", {"message-text": "Цель уточнена."}
    )
    assert response.status_code == 302
    assert ApplicationMessage.objects.filter(side="applicant", text="Цель уточнена.").exists()
    refused = client.post(f"/contests/applications/{application.pk}/messages/", {"message-text": ""})
    assert refused.status_code == 200 and "This field is required." in refused.content.decode()
