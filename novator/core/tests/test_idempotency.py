"""Create forms create once however many times they are sent (issue #20: three quick clicks on «create staff
member» made three identical people)."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpResponseRedirect
from django.test import Client, RequestFactory, override_settings
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from novator.core.idempotency import FIELD, once_per_token
from novator.core.models import SubmissionToken
from novator.organizations.models import Person

pytestmark = pytest.mark.django_db

PERSON = {"last_name": "Орлова", "first_name": "Ирина", "position": "учитель"}


def _token(page: str) -> str:
    match = re.search(rf'name="{FIELD}" value="([0-9a-f-]+)"', page)
    assert match, "the create form carries no one-time token"
    return match.group(1)


def test_three_clicks_on_create_staff_member_make_one_person(client: Client, coordinator: Any, org_a: Any):
    client.force_login(coordinator)
    url = reverse("organizations:person_create", args=[org_a.pk])
    token = _token(client.get(url).content.decode())
    responses = [client.post(url, {**PERSON, FIELD: token}) for _click in range(3)]
    assert Person.objects.filter(organization=org_a, last_name="Орлова").count() == 1
    assert [r.status_code for r in responses] == [302, 302, 302]
    assert len({r["Location"] for r in responses}) == 1  # the repeats go where the first one went
    shown = [str(m) for m in get_messages(responses[-1].wsgi_request)]
    assert any("уже" in m for m in shown), shown  # «the form had already been sent»


def test_each_render_of_the_form_has_a_new_token(client: Client, coordinator: Any, org_a: Any):
    client.force_login(coordinator)
    url = reverse("organizations:person_create", args=[org_a.pk])
    assert _token(client.get(url).content.decode()) != _token(client.get(url).content.decode())


def test_a_form_with_errors_can_be_corrected_and_sent_with_the_same_token(
    client: Client, coordinator: Any, org_a: Any
):
    client.force_login(coordinator)
    url = reverse("organizations:person_create", args=[org_a.pk])
    token = str(uuid.uuid4())
    bad = client.post(url, {**PERSON, "last_name": "", FIELD: token})
    assert bad.status_code == 200 and not SubmissionToken.objects.exists()
    good = client.post(url, {**PERSON, FIELD: token})
    assert good.status_code == 302
    assert Person.objects.filter(organization=org_a).count() == 1


def test_without_a_token_the_view_works_as_before(client: Client, coordinator: Any, org_a: Any):
    client.force_login(coordinator)
    url = reverse("organizations:person_create", args=[org_a.pk])
    for value in ("", "not-a-uuid", "x" * 500):
        assert client.post(url, {**PERSON, FIELD: value}).status_code == 302
    assert Person.objects.filter(organization=org_a).count() == 3


@override_settings(NOVATOR_SUBMISSION_WAIT=0)
def test_a_repeat_while_the_first_is_still_running_creates_nothing(
    client: Client, coordinator: Any, org_a: Any
):
    client.force_login(coordinator)
    url = reverse("organizations:person_create", args=[org_a.pk])
    token = uuid.uuid4()
    SubmissionToken.objects.create(token=token, user=coordinator)  # the first POST has claimed it, not done
    response = client.post(url, {**PERSON, FIELD: str(token)})
    assert response.status_code == 302 and response["Location"] == url
    assert not Person.objects.exists()


def test_a_refusal_is_not_remembered_as_a_result():
    """A view that redirects with an error message created nothing: the same token may be sent again."""
    calls = []

    @once_per_token
    def view(request: Any) -> Any:
        calls.append(1)
        messages.error(request, "refused")
        return HttpResponseRedirect("/somewhere/")

    token = str(uuid.uuid4())
    for _ in range(2):
        request = RequestFactory().post("/x/", {FIELD: token})
        request.session = SessionBase()
        request._messages = FallbackStorage(request)
        request.user = AnonymousUser()
        view(request)
    assert len(calls) == 2 and not SubmissionToken.objects.exists()


def _views() -> list[tuple[str, Any]]:
    found = []

    def walk(resolver: URLResolver, prefix: str) -> None:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace != "admin":
                    walk(pattern, f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix)
            elif isinstance(pattern, URLPattern) and pattern.name:
                found.append((prefix + pattern.name, pattern.callback))

    walk(get_resolver(), "")
    return found


#: Create views that are not forms a person fills and sends (a job started from a button, the API's).
NOT_CREATE_FORMS: set[str] = set()


def test_every_create_view_of_the_pages_is_protected():
    """A new page view named `…_create`/`…_add` must be wrapped in @once_per_token (and its form carry
    {% submit_token %}); the API's views are not forms."""
    create = [
        (name, callback)
        for name, callback in _views()
        if re.search(r"(_create|_add)$", callback.__name__)
        and not hasattr(callback, "cls")
        and name not in NOT_CREATE_FORMS
    ]
    assert len(create) >= 15, create
    unprotected = [name for name, callback in create if not getattr(callback, "once_per_token", False)]
    assert not unprotected, unprotected


def test_the_create_pages_carry_the_token(admin_user: Any, methodologist: Any, org_a: Any):
    """Every protected create view that is a page of its own (no arguments) renders its form with a token."""
    admin, method = Client(), Client()
    admin.force_login(admin_user)
    method.force_login(methodologist)
    pages = []
    for name, callback in _views():
        if getattr(callback, "once_per_token", False):
            try:
                pages.append(reverse(name))
            except NoReverseMatch:  # needs arguments: the form is part of another page
                continue
    assert len(pages) >= 8, pages
    for url in pages:
        response = admin.get(url)
        if response.status_code == 403:  # e.g. a survey is started by a methodologist
            response = method.get(url)
        assert response.status_code == 200, url
        _token(response.content.decode())
