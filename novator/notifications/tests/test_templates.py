"""E-mail templates per kind: checked on save, used by notify(), reset to the default; admins only."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client, override_settings
from django.utils import translation

from novator.notifications.models import EmailTemplate
from novator.notifications.services import email_template_reset, email_template_save, notify

pytestmark = pytest.mark.django_db

KIND = "contests.application"


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


@override_settings(
    EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend", NOVATOR_BASE_URL="https://n.ru"
)
def test_default_and_own_template_shape_the_email(
    admin_user: Any, coordinator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    coordinator.first_name, coordinator.middle_name = "Ирина", "Петровна"
    coordinator.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify([coordinator], kind=KIND, subject="Заявка принята", body="Заявка № 3.", url="/contests/")
    sent = mail.outbox[-1]
    assert sent.subject == "Заявка принята"
    assert sent.body.startswith("Здравствуйте, Ирина Петровна!\n\nЗаявка № 3.")
    assert "Подробнее: https://n.ru/contests/" in sent.body

    email_template_save(
        actor=admin_user,
        kind=KIND,
        subject="[Новатор] {{ subject }}",
        body="{{ name }}, {{ text }}{% if link %} См. {{ link }}{% endif %}",
    )
    with django_capture_on_commit_callbacks(execute=True):
        notify([coordinator], kind=KIND, subject="Заявка принята", body="Заявка № 3.", url="/contests/")
    sent = mail.outbox[-1]
    assert (sent.subject, sent.body) == (
        "[Новатор] Заявка принята",
        "Ирина Петровна, Заявка № 3. См. https://n.ru/contests/",
    )

    assert email_template_reset(actor=admin_user, kind=KIND)
    assert not EmailTemplate.objects.exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{{ text }} {{ applicant }}", "Unknown placeholders: {{ applicant }}."),
        ("{% if link %}{{ text }}", "The template has an error"),
        ("{% include 'base.html' %}", "The tag {% include %} is not allowed"),
        ("{% if secret %}x{% endif %}", "Unknown placeholders: {{ secret }}."),
    ],
)
def test_a_bad_template_is_refused_and_nothing_changes(admin_user: Any, body: str, message: str) -> None:
    with pytest.raises(ValidationError) as error:
        email_template_save(actor=admin_user, kind=KIND, subject="{{ subject }}", body=body)
    assert message in " ".join(error.value.message_dict["body"])
    assert not EmailTemplate.objects.exists()


def test_only_administrators_edit_templates(methodologist: Any, coordinator: Any, admin_user: Any) -> None:
    with pytest.raises(PermissionDenied):
        email_template_save(actor=methodologist, kind=KIND, subject="{{ subject }}", body="{{ text }}")
    for user, status in ((methodologist, 403), (coordinator, 403), (admin_user, 200)):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(user)
        assert client.get(f"/notifications/templates/{KIND}/").status_code == status


def test_edit_page_previews_and_names_errors(admin_user: Any) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(admin_user)
    page = client.get(f"/notifications/templates/{KIND}/").content.decode()
    assert "Здравствуйте, Ирина Петровна!" in page  # the preview of the default text
    response = client.post(
        f"/notifications/templates/{KIND}/", {"subject": "{{ subject }}", "body": "{{ text }} {{ oops }}"}
    )
    assert "Unknown placeholders: {{ oops }}." in response.content.decode()
    response = client.post(f"/notifications/templates/{KIND}/", {"subject": "Тема", "body": "{{ text }}"})
    assert response.status_code == 302 and EmailTemplate.objects.get().subject == "Тема"
    client.post(f"/notifications/templates/{KIND}/reset/")
    assert not EmailTemplate.objects.exists()
