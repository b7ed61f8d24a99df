"""Two factors: setting up the authenticator, signing in with a code or a recovery code, turning off, the
lockout, and NOVATOR_REQUIRE_2FA_FOR."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from novator.accounts import otp
from novator.accounts.tests.factories import api_token_for
from novator.core.models import ActivityLog

PASSWORD = "pass-for-tests-1"

pytestmark = pytest.mark.django_db


def code_for(device: TOTPDevice, *, offset: int = 0) -> str:
    """The code the app shows now (``offset`` steps of 30 s away)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset * device.step
    return f"{totp.token():06d}"


def enable(client: Any, user: Any) -> tuple[TOTPDevice, list[str]]:
    """Through the pages: start, read the secret, confirm with a code; returns the device and the codes."""
    client.force_login(user)
    client.post(reverse("accounts:two_factor_start"))
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("accounts:two_factor_confirm"), {"code": code_for(device)})
    assert response.status_code == 200
    codes = list(response.context["codes"])
    device.refresh_from_db()
    client.logout()
    return device, codes


def password_step(client: Any, user: Any, **extra: str) -> Any:
    return client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD, **extra})


def test_setup_shows_a_qr_code_and_the_secret_and_needs_a_code_before_it_is_on(client, teacher):
    client.force_login(teacher)
    page = client.get(reverse("accounts:two_factor"))
    assert 'data-state="off"' in page.content.decode()
    client.post(reverse("accounts:two_factor_start"))
    page = client.get(reverse("accounts:two_factor")).content.decode()
    device = TOTPDevice.objects.get(user=teacher)
    assert 'data-state="setup"' in page
    assert "<svg" in page and "otpauth" not in page.split("<svg")[0]
    import base64

    assert base64.b32encode(device.bin_key).decode() in page
    assert not otp.has_two_factors(teacher)

    wrong = client.post(reverse("accounts:two_factor_confirm"), {"code": "000000"})
    assert wrong.status_code == 200
    assert "Код неверен" in wrong.content.decode()
    assert not otp.has_two_factors(teacher)
    assert not StaticToken.objects.filter(device__user=teacher).exists()

    response = client.post(reverse("accounts:two_factor_confirm"), {"code": code_for(device)})
    codes = response.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert response["Cache-Control"] == "no-store"
    assert otp.has_two_factors(teacher)
    assert ActivityLog.objects.filter(action="user.two_factors_on").exists()
    # shown once: the page afterwards lists how many are left, not the codes
    page = client.get(reverse("accounts:two_factor")).content.decode()
    assert 'data-state="on"' in page and codes[0] not in page


def test_sign_in_asks_for_the_code_after_the_password(client, teacher):
    device, _codes = enable(client, teacher)
    response = password_step(client, teacher, next="/accounts/")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login_code")
    # the password alone does not sign in
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("accounts:profile")).status_code == 302

    # the code of the next 30 s (the current one confirmed the setup and is used up)
    response = client.post(reverse("accounts:login_code"), {"code": code_for(device, offset=1)})
    assert response.status_code == 302 and response["Location"] == "/accounts/"
    assert int(client.session["_auth_user_id"]) == teacher.pk
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_a_user_without_two_factors_signs_in_with_the_password(client, teacher):
    response = password_step(client, teacher)
    assert response.status_code == 302 and int(client.session["_auth_user_id"]) == teacher.pk


@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
def test_wrong_old_and_reused_codes_are_refused(client, teacher):
    device, _codes = enable(client, teacher)  # the confirmation used the current code
    password_step(client, teacher)
    for code, what in ((code_for(device), "reused"), (code_for(device, offset=-3), "old"), ("123", "short")):
        response = client.post(reverse("accounts:login_code"), {"code": code})
        assert response.status_code == 200, what
        assert "Код неверен, устарел или уже использован" in response.content.decode(), what
        assert "_auth_user_id" not in client.session, what
    # the next code (the app shows it 30 s later) works
    response = client.post(reverse("accounts:login_code"), {"code": code_for(device, offset=1)})
    assert response.status_code == 302 and int(client.session["_auth_user_id"]) == teacher.pk


def test_a_recovery_code_works_once(client, teacher):
    _device, codes = enable(client, teacher)
    password_step(client, teacher)
    response = client.post(reverse("accounts:login_code"), {"code": codes[0].upper()})
    assert response.status_code == 302 and int(client.session["_auth_user_id"]) == teacher.pk
    assert otp.recovery_codes_left(teacher) == 9
    client.logout()

    password_step(client, teacher)
    response = client.post(reverse("accounts:login_code"), {"code": codes[0]})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert "уже использован" in response.content.decode()


def test_the_code_step_without_the_password_step_or_after_it_expired(client, teacher, monkeypatch):
    device, _codes = enable(client, teacher)
    response = client.post(reverse("accounts:login_code"), {"code": code_for(device, offset=1)})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    password_step(client, teacher)
    later = time.time() + otp.PENDING_SECONDS + 1
    monkeypatch.setattr(otp.time, "time", lambda: later)
    response = client.post(reverse("accounts:login_code"), {"code": code_for(device, offset=1)}, follow=True)
    assert "Время входа истекло" in response.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3, OTP_TOTP_THROTTLE_FACTOR=0)
def test_wrong_codes_count_in_the_login_lockout(client, teacher):
    from axes.models import AccessAttempt
    from axes.utils import reset

    reset()
    enable(client, teacher)
    client.post(reverse("accounts:login"), {"username": teacher.username, "password": PASSWORD})
    statuses = [client.post(reverse("accounts:login_code"), {"code": "000000"}).status_code for _ in range(3)]
    assert statuses[:2] == [200, 200] and statuses[2] == 429
    assert AccessAttempt.objects.get(username=teacher.username).failures_since_start == 3
    # locked: not even the right code gets in now (the password step is refused as well)
    response = password_step(client, teacher)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    reset()


def test_turning_off_needs_a_current_code_or_a_recovery_code(client, teacher):
    _device, codes = enable(client, teacher)
    client.force_login(teacher)
    response = client.post(reverse("accounts:two_factor_disable"), {"code": "00000000"})
    assert response.status_code == 200 and otp.has_two_factors(teacher)
    response = client.post(reverse("accounts:two_factor_disable"), {"code": codes[3]})
    assert response.status_code == 302 and not otp.has_two_factors(teacher)
    assert not TOTPDevice.objects.filter(user=teacher).exists()
    assert not StaticToken.objects.filter(device__user=teacher).exists()
    assert ActivityLog.objects.filter(action="user.two_factors_off").exists()


def test_new_recovery_codes_replace_the_old_ones(client, teacher):
    device, codes = enable(client, teacher)
    client.force_login(teacher)
    response = client.post(reverse("accounts:two_factor_recovery_codes"), {"code": codes[0]})
    assert response.status_code == 200 and "codes" not in response.context  # a recovery code does not do
    next_code = code_for(device, offset=1)
    response = client.post(reverse("accounts:two_factor_recovery_codes"), {"code": next_code})
    new = response.context["codes"]
    assert len(new) == 10 and not set(new) & set(codes)
    assert otp.otp_match(teacher, codes[1]) is None


def test_api_tokens_are_not_affected(client, teacher):
    enable(client, teacher)
    key = api_token_for(teacher)
    response = client.get(reverse("accounts:profile"), HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 302  # pages are for sessions
    api = client.get("/api/v1/organizations/", HTTP_AUTHORIZATION=f"Token {key}")
    assert api.status_code == 200


def test_the_admin_login_page_sends_to_the_site_login(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=%2Fadmin%2F"


@override_settings(NOVATOR_REQUIRE_2FA_FOR=["admin"])
def test_administrators_set_two_factors_up_before_using_the_site(client, admin_user, teacher):
    admin_user.set_password(PASSWORD)
    admin_user.save()
    password_step(client, admin_user)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:two_factor")
    assert client.get("/api/v1/organizations/").status_code == 403
    assert client.get(reverse("accounts:two_factor")).status_code == 200
    client.post(reverse("accounts:two_factor_start"))
    device = TOTPDevice.objects.get(user=admin_user)
    client.post(reverse("accounts:two_factor_confirm"), {"code": code_for(device)})
    assert client.get(reverse("portal:home")).status_code == 200
    # an API token is not asked for the second factor
    key = api_token_for(admin_user)
    assert client.get("/api/v1/organizations/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    # a session from before (no code) is ended
    other = type(client)()
    other.force_login(admin_user)
    response = other.get(reverse("portal:home"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in other.session
    # other roles are not asked
    client.force_login(teacher)
    assert client.get(reverse("portal:home")).status_code == 200
