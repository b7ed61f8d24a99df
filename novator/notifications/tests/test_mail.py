from __future__ import annotations

import email
import email.policy
import logging
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMessage, send_mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.test import override_settings

from config.settings.mail import email_settings
from novator.notifications.mail import EmlFileBackend, outgoing_email_retry
from novator.notifications.models import Notification, OutgoingEmail
from novator.notifications.services import notify

pytestmark = pytest.mark.django_db

QUEUED = {
    "EMAIL_BACKEND": "novator.notifications.mail.QueuedEmailBackend",
    "NOVATOR_EMAIL_DELIVERY_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
}


class BrokenBackend(BaseEmailBackend):
    """A mail server that is down for the first ``failures`` messages (class-level, across connections)."""

    failures = 10**6
    calls = 0

    def send_messages(self, email_messages: Any) -> int:
        BrokenBackend.calls += 1
        if BrokenBackend.calls <= BrokenBackend.failures:
            raise ConnectionRefusedError("Connection refused")
        mail.outbox.extend(email_messages)
        return len(email_messages)


@pytest.fixture
def broken() -> Any:
    BrokenBackend.calls = 0
    BrokenBackend.failures = 10**6
    with override_settings(
        **{**QUEUED, "NOVATOR_EMAIL_DELIVERY_BACKEND": f"{__name__}.BrokenBackend"},
        NOVATOR_EMAIL_RETRY_DELAYS=(60, 300),
    ):
        yield BrokenBackend


@override_settings(**QUEUED, NOVATOR_EMAIL_REPLY_TO=["help@example.org"])
def test_a_message_is_queued_then_sent_by_the_task_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send_mail("Заявка принята", "Текст", None, ["a@example.org"])
        row = OutgoingEmail.objects.get()
        assert row.state == OutgoingEmail.State.QUEUED and mail.outbox == []
    row.refresh_from_db()
    assert row.state == OutgoingEmail.State.SENT and row.attempts == 1 and row.sent_at
    assert row.message == {}  # the text (a reset link, say) is not kept once sent
    assert row.recipients == "a@example.org" and row.subject == "Заявка принята"
    [sent] = mail.outbox
    assert (sent.subject, sent.body, sent.to, sent.reply_to) == (
        "Заявка принята",
        "Текст",
        ["a@example.org"],
        ["help@example.org"],
    )


@override_settings(**QUEUED)
def test_html_alternatives_and_attachments_survive_the_queue(django_capture_on_commit_callbacks):
    from django.core.mail import EmailMultiAlternatives

    message = EmailMultiAlternatives(
        "S", "plain", "from@example.org", ["a@example.org"], cc=["c@example.org"]
    )
    message.attach_alternative("<p>html</p>", "text/html")
    message.attach("отчёт.txt", "содержимое", "text/plain")
    with django_capture_on_commit_callbacks(execute=True):
        message.send()
    [sent] = mail.outbox
    assert sent.alternatives == [("<p>html</p>", "text/html")]
    assert sent.attachments[0][0] == "отчёт.txt" and sent.attachments[0][1] == "содержимое"
    assert sent.cc == ["c@example.org"] and sent.from_email == "from@example.org"


@override_settings(**QUEUED)
def test_a_rolled_back_transaction_sends_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        send_mail("S", "B", None, ["a@example.org"])
        raise RuntimeError
    assert not OutgoingEmail.objects.exists() and mail.outbox == []


def test_notify_goes_through_the_queue(coordinator, django_capture_on_commit_callbacks):
    with override_settings(**QUEUED), django_capture_on_commit_callbacks(execute=True):
        notify([coordinator], kind="x.y", subject="Тема", body="Текст")
    assert OutgoingEmail.objects.get().state == OutgoingEmail.State.SENT
    assert [m.to for m in mail.outbox] == [[coordinator.email]]


def test_a_failure_is_retried_and_then_sent(broken, django_capture_on_commit_callbacks):
    broken.failures = 1
    with django_capture_on_commit_callbacks(execute=True):
        send_mail("S", "B", None, ["a@example.org"])
    row = OutgoingEmail.objects.get()
    assert row.state == OutgoingEmail.State.SENT and row.attempts == 2 and row.last_error == ""
    assert len(mail.outbox) == 1


def test_after_the_last_retry_the_failure_is_logged_and_the_administrators_told_once(
    broken, admin_user, coordinator, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.WARNING, logger="novator.notifications.mail")
    with django_capture_on_commit_callbacks(execute=True):
        send_mail("Первое", "B", None, ["a@example.org"])
        send_mail("Второе", "B", None, ["b@example.org"])
    rows = list(OutgoingEmail.objects.order_by("pk"))
    assert [r.state for r in rows] == [OutgoingEmail.State.FAILED] * 2
    assert rows[0].attempts == 3 and "Connection refused" in rows[0].last_error
    assert rows[0].message  # kept for sending again
    assert broken.calls == 6
    assert any(
        r.levelno == logging.ERROR and "failed after 3 attempts" in r.getMessage() for r in caplog.records
    )
    # one unread notification per administrator, not one per failed message; nobody else is told
    [notice] = Notification.objects.filter(kind="notifications.mail_failed")
    assert notice.user == admin_user and "Первое" in notice.body
    assert "state__exact=failed" in notice.url
    assert mail.outbox == []

    # the administrator sends them again once the server is back
    broken.failures = 0
    with django_capture_on_commit_callbacks(execute=True):
        assert outgoing_email_retry(actor=admin_user, pks=[r.pk for r in rows]) == 2
        assert outgoing_email_retry(actor=admin_user, pks=[r.pk for r in rows]) == 0  # clicked twice
    assert set(OutgoingEmail.objects.values_list("state", flat=True)) == {OutgoingEmail.State.SENT}
    assert len(mail.outbox) == 2


def test_a_retry_waits_with_a_backend_that_can_defer(broken, django_capture_on_commit_callbacks):
    from django_tasks import default_task_backend

    with override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}):
        with django_capture_on_commit_callbacks(execute=True):
            send_mail("S", "B", None, ["a@example.org"])
        from novator.notifications.mail import deliver

        [first] = default_task_backend.results
        assert deliver(first.args[0]) == "queued"
        second = default_task_backend.results[-1]
    row = OutgoingEmail.objects.get()
    assert row.attempts == 1 and row.next_attempt_at
    assert second.task.run_after == row.next_attempt_at


def test_the_admin_lists_outgoing_mail_without_the_text(
    client, admin_user, broken, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send_mail("Сброс пароля", "https://secret-link/", None, ["a@example.org"])
    admin_user.is_staff = True
    admin_user.save()
    client.force_login(admin_user)
    page = client.get("/admin/notifications/outgoingemail/?state__exact=failed").content.decode()
    assert "Сброс пароля" in page and "a@example.org" in page
    row = OutgoingEmail.objects.get()
    detail = client.get(f"/admin/notifications/outgoingemail/{row.pk}/change/").content.decode()
    assert "secret-link" not in detail


def test_eml_backend_writes_one_file_per_message(tmp_path):
    backend = EmlFileBackend(file_path=tmp_path / "mail")
    messages = [
        EmailMessage(f"Письмо {n}", f"Текст {n}", "from@example.org", ["a@example.org"]) for n in (1, 2)
    ]
    assert backend.send_messages(messages) == 2
    files = sorted((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 2 and not list((tmp_path / "mail").glob(".*"))
    parsed = [email.message_from_bytes(f.read_bytes(), policy=email.policy.default) for f in files]
    assert sorted(str(p["Subject"]) for p in parsed) == ["Письмо 1", "Письмо 2"]
    assert parsed[0].get_content().strip() in ("Текст 1", "Текст 2")


def test_notify_over_a_real_smtp_server(smtp_server, coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify([coordinator], kind="x.y", subject="Заявка возвращена на доработку", body="Исправьте паспорт.")
    [received] = smtp_server.messages
    assert str(received["Subject"]).strip() == "Заявка возвращена на доработку"
    assert received.envelope_to == [coordinator.email]
    assert "Исправьте паспорт." in received.get_content()
    assert OutgoingEmail.objects.get().state == OutgoingEmail.State.SENT


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp+tls://robot%40edu.ru:p%40ss:w@mail.edu.ru:587",
            {
                "EMAIL_HOST": "mail.edu.ru",
                "EMAIL_PORT": 587,
                "EMAIL_HOST_USER": "robot@edu.ru",
                "EMAIL_HOST_PASSWORD": "p@ss:w",
                "EMAIL_USE_TLS": True,
                "EMAIL_USE_SSL": False,
            },
        ),
        ("smtp+ssl://mail.edu.ru", {"EMAIL_PORT": 465, "EMAIL_USE_SSL": True, "EMAIL_USE_TLS": False}),
        ("smtp://relay?timeout=5", {"EMAIL_PORT": 25, "EMAIL_TIMEOUT": 5, "EMAIL_HOST_USER": ""}),
        ("file:///srv/mail", {"EMAIL_FILE_PATH": "/srv/mail"}),
    ],
)
def test_email_url(url, expected):
    settings = email_settings(url)
    assert {k: settings[k] for k in expected} == expected
    assert settings["NOVATOR_EMAIL_DELIVERY_BACKEND"]


@pytest.mark.parametrize("url", ["smtp+tls://", "smtp://host:port", "imap://host", "file://"])
def test_bad_email_url_is_refused_without_the_password(url):
    with pytest.raises(ValueError, match="EMAIL_URL"):
        email_settings(url)


def _settings_of(module: str, tmp_path: Any, **env: str) -> dict[str, Any]:
    import json
    import os
    import secrets
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: str(getattr(s, k, '')) for k in "
        "['EMAIL_BACKEND', 'NOVATOR_EMAIL_DELIVERY_BACKEND', 'EMAIL_FILE_PATH', 'EMAIL_HOST', 'EMAIL_PORT', "
        "'EMAIL_USE_TLS', 'DEFAULT_FROM_EMAIL', 'NOVATOR_EMAIL_REPLY_TO']}))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("EMAIL_", "DJANGO_", "DATABASE_URL"))}
    run_env = {
        **clean,
        "DJANGO_SETTINGS_MODULE": module,
        "NOVATOR_VAR_DIR": str(tmp_path),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": "postgres://u:p@db.invalid:5432/novator",
        **env,
    }
    root = Path(__file__).resolve().parents[3]
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=run_env, capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_make_run_writes_eml_files_to_var_mail(tmp_path):
    got = _settings_of("config.settings.local", tmp_path)
    assert got["EMAIL_BACKEND"] == "novator.notifications.mail.QueuedEmailBackend"
    assert got["NOVATOR_EMAIL_DELIVERY_BACKEND"] == "novator.notifications.mail.EmlFileBackend"
    assert got["EMAIL_FILE_PATH"] == str(tmp_path / "mail")


def test_production_sends_by_smtp_from_email_url(tmp_path):
    got = _settings_of(
        "config.settings.production",
        tmp_path,
        EMAIL_URL="smtp+tls://robot:secret@smtp.example.ru:587",
        EMAIL_FROM="Новатор <novator@example.ru>",
        EMAIL_REPLY_TO="imc@example.ru",
    )
    assert got["EMAIL_BACKEND"] == "novator.notifications.mail.QueuedEmailBackend"
    assert got["NOVATOR_EMAIL_DELIVERY_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (got["EMAIL_HOST"], got["EMAIL_PORT"], got["EMAIL_USE_TLS"]) == ("smtp.example.ru", "587", "True")
    assert got["DEFAULT_FROM_EMAIL"] == "Новатор <novator@example.ru>"
    assert got["NOVATOR_EMAIL_REPLY_TO"] == "['imc@example.ru']"
