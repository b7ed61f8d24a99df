from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from novator.accounts.models import ApiToken
from novator.accounts.tests.factories import UserFactory, api_token_for
from novator.core.models import ActivityLog

pytestmark = pytest.mark.django_db

PASSWORD = "pass-for-tests-1"
NEW_PASSWORD = "Nov-parol-2026-osen"
LINK = re.compile(r"https?://[^\s]+/accounts/password/reset/[^\s/]+/[^\s/]+/")


def _request_reset(client, email, capture):
    with capture(execute=True):
        response = client.post(
            reverse("accounts:password_reset"), {"email": email}, HTTP_ACCEPT_LANGUAGE="ru"
        )
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_reset_done")
    return response


def _link(body: str) -> str:
    match = LINK.search(body)
    assert match, body
    return match.group(0)


def test_login_page_offers_the_reset(client):
    body = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Забыли пароль?" in body and reverse("accounts:password_reset") in body


def test_reset_by_e_mail_sets_a_new_password_and_ends_sessions_and_tokens(
    client, coordinator, django_capture_on_commit_callbacks
):
    other_device = APIClient()
    other_device.force_login(coordinator)  # stands for a session in another browser
    browser = APIClient()
    browser.login(username=coordinator.username, password=PASSWORD)
    token = api_token_for(coordinator)
    api = APIClient(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/auth/tokens/").status_code == 200

    _request_reset(client, coordinator.email.upper(), django_capture_on_commit_callbacks)
    [message] = mail.outbox
    assert message.to == [coordinator.email]
    assert message.subject == "Сброс пароля в «Новаторе»"
    assert coordinator.username in message.body and "24 часов" in message.body
    link = _link(message.body)

    page = client.get(link)  # Django moves the token into the session and redirects
    assert page.status_code == 302
    form_url = page["Location"]
    assert "Новый пароль" in client.get(form_url).content.decode()
    done = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == reverse("accounts:password_reset_complete")

    coordinator.refresh_from_db()
    assert coordinator.check_password(NEW_PASSWORD)
    assert not ApiToken.objects.filter(user=coordinator).exists()
    assert api.get("/api/v1/auth/tokens/").status_code == 401
    for device in (other_device, browser):
        assert not device.get(reverse("portal:home")).wsgi_request.user.is_authenticated
    assert ActivityLog.objects.filter(action="user.password_reset", object_id=str(coordinator.pk)).exists()

    # the link is used: a second visit says so and changes nothing
    again = client.get(link, follow=True).content.decode()
    assert "Ссылка не работает" in again and "уже использована" in again


@pytest.mark.parametrize(
    "link",
    [
        "/accounts/password/reset/MQ/set-password/",
        "/accounts/password/reset/MQ/abc-0123456789abcdef/",
        "/accounts/password/reset/%%%/abc/",
    ],
)
def test_a_forged_link_gets_a_clear_message_and_changes_nothing(client, coordinator, link):
    before = coordinator.password
    page = client.get(link, follow=True, HTTP_ACCEPT_LANGUAGE="ru")
    body = page.content.decode()
    assert page.status_code == 200 and 'id="invalid-link"' in body and "Ничего не изменилось" in body
    coordinator.refresh_from_db()
    assert coordinator.password == before


def test_an_expired_link_is_refused(client, coordinator, django_capture_on_commit_callbacks):
    _request_reset(client, coordinator.email, django_capture_on_commit_callbacks)
    link = _link(mail.outbox[0].body)
    with override_settings(PASSWORD_RESET_TIMEOUT=-1):
        body = client.get(link, follow=True).content.decode()
    assert 'id="invalid-link"' in body
    coordinator.refresh_from_db()
    assert coordinator.check_password(PASSWORD)


def test_unknown_address_looks_the_same_and_sends_nothing(
    client, coordinator, django_capture_on_commit_callbacks
):
    _request_reset(client, "nobody@example.org", django_capture_on_commit_callbacks)
    assert mail.outbox == []


def test_bad_address_is_named_in_russian(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "not-an-address"})
    assert response.status_code == 200
    assert "Введите правильный адрес электронной почты." in response.content.decode()


def test_a_duplicate_e_mail_sends_one_link_per_account(
    client, coordinator, django_capture_on_commit_callbacks
):
    twin = UserFactory(email=coordinator.email)
    _request_reset(client, coordinator.email, django_capture_on_commit_callbacks)
    assert sorted(m.body.count(u) for m in mail.outbox for u in [twin.username]) == [0, 1]
    assert len(mail.outbox) == 2


def test_resets_per_address_are_limited(client, coordinator, django_capture_on_commit_callbacks):
    for _ in range(5):
        _request_reset(client, coordinator.email, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 3


def test_reset_mail_over_a_real_smtp_server(
    smtp_server, client, coordinator, django_capture_on_commit_callbacks
):
    _request_reset(client, coordinator.email, django_capture_on_commit_callbacks)
    [received] = smtp_server.messages
    assert str(received["Subject"]).strip() == "Сброс пароля в «Новаторе»"
    assert received.envelope_to == [coordinator.email]
    link = _link(received.get_content())
    assert client.get(link).status_code == 302  # a valid link


def test_password_change_revokes_tokens_and_keeps_this_session(client, coordinator):
    token = api_token_for(coordinator)
    other = APIClient()
    other.login(username=coordinator.username, password=PASSWORD)
    client.login(username=coordinator.username, password=PASSWORD)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert not other.get(reverse("portal:home")).wsgi_request.user.is_authenticated
    assert APIClient(HTTP_AUTHORIZATION=f"Token {token}").get("/api/v1/auth/tokens/").status_code == 401
    assert ActivityLog.objects.filter(action="user.password_change").count() == 1


def test_a_password_set_elsewhere_kills_the_tokens_too(coordinator):
    """The admin's or `manage.py changepassword`: no view of ours runs, the token still dies."""
    token = api_token_for(coordinator)
    coordinator.set_password(NEW_PASSWORD)
    coordinator.save()
    response = APIClient(HTTP_AUTHORIZATION=f"Token {token}", HTTP_ACCEPT_LANGUAGE="ru").get(
        "/api/v1/auth/tokens/"
    )
    assert response.status_code == 401
    assert "смены пароля" in response.json()["detail"]


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=2)
def test_a_reset_lifts_the_lockout_of_the_user(client, coordinator, django_capture_on_commit_callbacks):
    from axes.models import AccessAttempt
    from axes.utils import reset

    reset()
    for _ in range(3):
        client.post(reverse("accounts:login"), {"username": coordinator.username, "password": "wrong"})
    assert AccessAttempt.objects.filter(username=coordinator.username).exists()
    _request_reset(client, coordinator.email, django_capture_on_commit_callbacks)
    form_url = client.get(_link(mail.outbox[0].body))["Location"]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert not AccessAttempt.objects.filter(username=coordinator.username).exists()
    response = client.post(
        reverse("accounts:login"), {"username": coordinator.username, "password": NEW_PASSWORD}
    )
    assert response.status_code == 302
