"""Optimistic locking of the application and contest edit pages (issue #11: two tabs, one record)."""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest
from django.db import connection, connections
from django.urls import reverse

from novator.contests import services
from novator.contests.models import Application, Contest
from novator.core.concurrency import StaleVersionError, version_token

from .factories import ApplicationFactory, complete_application, contest_with_setup
from .test_views import _contest_form

TOKEN = re.compile(r'name="version_token" value="([^"]*)"')


def token_of(response: Any) -> str:
    """The version token the page was rendered with (as a browser tab would hold it)."""
    match = TOKEN.search(response.content.decode())
    assert match, "the edit form carries no version token"
    return match.group(1)


def form_data(response: Any, **changes: Any) -> dict[str, Any]:
    """What a browser would post back from the page's (unbound) form, with `changes` typed in."""
    data: dict[str, Any] = {}
    for field in response.context["form"]:
        value = field.value()
        if value is None or value is False:
            continue
        if value is True:
            value = "on"
        elif isinstance(value, list | tuple):
            value = [str(v) for v in value]
        else:
            value = str(value)
        data[field.html_name] = value
    data.update(changes)
    return data


def is_stale(response: Any) -> bool:
    form = response.context["form"]
    return any(e.code == "stale" for e in form.non_field_errors().as_data())


@pytest.fixture
def application(contest, org_a):
    return complete_application(ApplicationFactory(contest=contest, organization=org_a))


def _texts(application: Application, title: str, goal: str) -> dict[str, Any]:
    return {
        "project_title": title,
        "category": application.category_id,
        "text_relevance": "Актуально",
        "text_goal": goal,
    }


def test_second_tab_saving_an_application_is_refused(client, coordinator, application):
    client.force_login(coordinator)
    url = application.get_absolute_url()
    first, second = token_of(client.get(url)), token_of(client.get(url))
    assert first == second == version_token(application)
    response = client.post(url, {**_texts(application, "Первая вкладка", "Цель 1"), "version_token": first})
    assert response.status_code == 302
    response = client.post(url, {**_texts(application, "Вторая вкладка", "Цель 2"), "version_token": second})
    assert response.status_code == 200 and is_stale(response)
    body = response.content.decode()
    assert "Вторая вкладка" in body and "Цель 2" in body  # what the user typed stays in the form
    application.refresh_from_db()
    assert application.project_title == "Первая вкладка" and application.texts["goal"] == "Цель 1"
    # after a reload the page carries the new version and the save goes through
    fresh = token_of(client.get(url))
    assert fresh != first
    response = client.post(url, {**_texts(application, "Вторая вкладка", "Цель 2"), "version_token": fresh})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.project_title == "Вторая вкладка"


@pytest.mark.parametrize("token", ["garbage", "0", "1" * 40, "<script>"])
def test_garbage_token_is_refused_as_stale(client, coordinator, application, token):
    client.force_login(coordinator)
    before = application.project_title
    response = client.post(
        application.get_absolute_url(), {**_texts(application, "Новое", "Цель"), "version_token": token}
    )
    assert response.status_code == 200 and is_stale(response)
    application.refresh_from_db()
    assert application.project_title == before


def test_too_long_token_is_a_form_error(client, coordinator, application):
    client.force_login(coordinator)
    before = application.project_title
    response = client.post(
        application.get_absolute_url(), {**_texts(application, "Новое", "Цель"), "version_token": "9" * 500}
    )
    assert response.status_code == 200 and response.context["form"].errors
    application.refresh_from_db()
    assert application.project_title == before


def test_post_without_token_and_service_without_version_still_save(client, coordinator, application):
    client.force_login(coordinator)
    response = client.post(application.get_absolute_url(), _texts(application, "Без версии", "Цель"))
    assert response.status_code == 302
    services.application_update(actor=None, application=application, data={"project_title": "Импорт"})
    application.refresh_from_db()
    assert application.project_title == "Импорт"


def test_service_refuses_a_stale_version(coordinator, application):
    token = version_token(application)
    services.application_update(
        actor=coordinator, application=application, data={"project_title": "Один"}, version=token
    )
    with pytest.raises(StaleVersionError):
        services.application_update(
            actor=coordinator, application=application, data={"project_title": "Два"}, version=token
        )
    application.refresh_from_db()
    assert application.project_title == "Один"


def test_second_tab_saving_the_contest_setup_is_refused(client, methodologist, draft_contest, municipality):
    client.force_login(methodologist)
    url = reverse("contests:edit", args=[draft_contest.pk])
    first, second = token_of(client.get(url)), token_of(client.get(url))
    form = _contest_form(municipality)
    del form["with_defaults"]
    response = client.post(url, {**form, "title": "Первая вкладка", "version_token": first})
    assert response.status_code == 302
    response = client.post(url, {**form, "title": "Вторая вкладка", "version_token": second})
    assert response.status_code == 200 and is_stale(response)
    assert "Вторая вкладка" in response.content.decode()
    draft_contest.refresh_from_db()
    assert draft_contest.title == "Первая вкладка"
    response = client.post(url, {**form, "title": "Мусор", "version_token": "garbage"})
    assert is_stale(response)
    assert Contest.objects.get().title == "Первая вкладка"


def test_contest_service_without_version_still_saves(methodologist, draft_contest):
    services.contest_update(actor=methodologist, contest=draft_contest, data={"title": "Из импорта"})
    draft_contest.refresh_from_db()
    assert draft_contest.title == "Из импорта"


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_saves_from_one_version_one_wins(municipality, coordinator, org_a):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (SQLite serialises writers)")
    contest = contest_with_setup(organiser_municipality=municipality, announced=True)
    application = complete_application(ApplicationFactory(contest=contest, organization=org_a))
    token = version_token(application)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def save(title: str) -> None:
        try:
            barrier.wait()
            mine = Application.objects.get(pk=application.pk)
            services.application_update(
                actor=coordinator, application=mine, data={"project_title": title}, version=token
            )
            outcomes.append(title)
        except StaleVersionError:
            outcomes.append("stale")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(title,)) for title in ("Поток 1", "Поток 2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == 2 and outcomes.count("stale") == 1
    winner = next(o for o in outcomes if o != "stale")
    application.refresh_from_db()
    assert application.project_title == winner
