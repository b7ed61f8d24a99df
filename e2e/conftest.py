"""Browser tests: Playwright for Python driving Debian's Chromium (/usr/bin/chromium); no browser download."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("NOVATOR_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    for item in items:
        if "e2e" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser(request: Any) -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make (fixtures,
    # checks) are still synchronous and safe. Only for the browser tests' lifetime.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    request.addfinalizer(
        lambda: (
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
            if previous is None
            else os.environ.__setitem__("DJANGO_ALLOW_ASYNC_UNSAFE", previous)
        )
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(request: Any, browser: Any, live_server: Any) -> Iterator[Any]:
    """A page in Russian at desktop width; `@pytest.mark.bypass_csp` lets injected scripts run (axe-core)."""
    bypass_csp = request.node.get_closest_marker("bypass_csp") is not None
    context = browser.new_context(locale="ru-RU", viewport=DESKTOP, bypass_csp=bypass_csp)
    page = context.new_page()
    page.set_default_timeout(15_000)
    # Irreversible actions ask first (data-confirm) and a page with unsaved text asks before it is left
    # (beforeunload): the tests say yes, as a user who means it would; the questions are kept to assert.
    page.dialogs = []  # type: ignore[attr-defined]
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.accept()))
    yield page
    context.close()


def screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def login(page: Any, live_server: Any, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_load_state()
