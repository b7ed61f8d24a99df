"""Every link a role sees leads to a page it may open (issue #22): each demo role opens the home page, and
every link of the navigation and of the home page answers neither 403 nor 404 nor 500."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from novator.portal.tests.snapshot import load_demo_once

pytestmark = pytest.mark.django_db

ROLES = ["admin", "methodist", "coordinator", "teacher", "expert", "observer", "chair"]
#: links that are not pages to open: leaving, the admin site's own login, the API's schema files
SKIP = re.compile(r"^/(accounts/logout|static/|media/|api/v1/schema)")
HREF = re.compile(r'<a\b[^>]*\bhref="([^"#]+)')


@pytest.fixture(scope="module")
def demo(module_db, django_db_blocker):
    with django_db_blocker.unblock():
        return load_demo_once()


def _links(body: str) -> list[str]:
    paths = []
    for href in HREF.findall(body):
        href = unescape(href)
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not href.startswith("/") or SKIP.match(parts.path):
            continue
        if href not in paths:
            paths.append(href)
    return paths


@pytest.mark.parametrize("username", ROLES)
def test_every_link_of_the_home_page_and_navigation_opens(demo, db, username):
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    home = client.get("/")
    assert home.status_code == 200
    broken = []
    for path in _links(home.content.decode()):
        status = client.get(path).status_code
        if status in (403, 404, 500):
            broken.append((path, status))
    assert not broken, f"{username}: {broken}"
