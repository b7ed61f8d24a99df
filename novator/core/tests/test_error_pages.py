"""The site's own error pages: 403/404 in the layout with navigation, 500 and 503 without the database."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import OperationalError, connection
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("novator.core.tests.error_urls")]


def _client(**kwargs: Any) -> Client:
    return Client(raise_request_exception=False, **kwargs)


def test_404_is_the_sites_russian_page_with_navigation_and_a_way_back(teacher):
    client = _client()
    client.force_login(teacher)
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "Страница не найдена" in page and "Not Found" not in page
    assert 'aria-label="Основная навигация"' in page or "navbar" in page
    assert "/contests/" in page and "На главную" in page and "data-history-back" in page
    assert teacher.first_name in page or teacher.username in page  # the user's own menu, as on any page


def test_403_is_the_sites_russian_page(teacher, org_b):
    client = _client()
    client.force_login(teacher)
    response = client.get(f"/registry/{org_b.pk}/edit/")
    page = response.content.decode()
    assert response.status_code == 403
    assert "Доступ запрещён" in page and "403 Forbidden" not in page
    assert "navbar" in page and "На главную" in page


def test_403_shows_the_reason_the_service_gave(teacher, org_a):
    from novator.library.tests.factories import MethodProductFactory

    product = MethodProductFactory()
    client = _client()
    client.force_login(teacher)
    response = client.get(f"/library/{product.pk}/adopt/")
    assert response.status_code == 403
    assert "Внедрения записывают координаторы и методисты." in response.content.decode()


def test_a_refused_csrf_token_is_the_sites_403_page():
    response = _client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "x"})
    page = response.content.decode()
    assert response.status_code == 403
    assert "Форма устарела" in page and "navbar" in page


def test_500_renders_without_the_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = _client().get("/test-boom/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "Ошибка сервера" in page and "Server Error (500)" not in page
    assert "/contests/" in page and "На главную" in page


def test_a_database_error_in_a_view_is_the_503_page(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = _client().get("/test-database-down/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert (
        "База данных не отвечает" in response.content.decode() or "не отвечает" in response.content.decode()
    )


@pytest.fixture
def database_down(monkeypatch):
    """Every query from now on fails as with the database server stopped."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(connection, "ensure_connection", refuse)


def test_with_the_database_down_a_signed_in_user_gets_the_russian_503(coordinator, database_down_after_login):
    response = database_down_after_login.get("/statuses/")
    page = response.content.decode()
    assert response.status_code == 503
    assert "Сервис временно недоступен" in page and "Server Error" not in page
    assert response["Cache-Control"] == "no-store"


def test_with_the_database_down_the_api_answers_json_503(coordinator, database_down_after_login):
    response = database_down_after_login.get("/api/v1/statuses/")
    assert response.status_code == 503
    assert "не отвечает" in response.json()["detail"]


@pytest.fixture
def database_down_after_login(coordinator, monkeypatch):
    client = _client()
    client.force_login(coordinator)

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(connection, "ensure_connection", refuse)
    return client


def test_healthz_still_says_503_when_the_database_is_down(database_down):
    response = _client().get("/healthz")
    assert response.status_code == 503


def test_the_english_pages_are_english():
    response = _client(HTTP_ACCEPT_LANGUAGE="en").get("/no-such-page/")
    assert "Page not found" in response.content.decode()


def test_favicon_ico_exists():
    response = _client().get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO file
