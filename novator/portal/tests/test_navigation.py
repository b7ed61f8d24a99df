"""The navigation bar follows the domain; existing links keep their URLs; breadcrumbs on owned pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _nav(body: str) -> str:
    return body[body.find('id="nav"') : body.find("</nav>", body.find('id="nav"'))]


def test_navigation_links_in_domain_order(client):
    nav = _nav(client.get("/").content.decode())
    urls = [
        reverse("contests:list"),
        reverse("statuses:register"),
        reverse("projects:programme_list"),
        reverse("events:list"),
        reverse("library:catalogue"),
        reverse("monitoring:home"),
        reverse("organizations:list"),
    ]
    positions = [nav.find(f'href="{url}"') for url in urls]
    assert all(p > 0 for p in positions), positions
    assert positions == sorted(positions)
    for url in (reverse("events:calendar"), reverse("networks:list"), reverse("portal:search")):
        assert url in nav
    assert reverse("notifications:list") not in nav  # anonymous: no bell


def test_expertise_link_only_for_experts(client, expert, coordinator):
    client.force_login(coordinator)
    assert reverse("expertise:my_assignments") not in _nav(client.get("/").content.decode())
    client.force_login(expert)
    assert reverse("expertise:my_assignments") in _nav(client.get("/").content.decode())


def test_current_section_is_marked(client, municipality):
    body = client.get(reverse("organizations:list")).content.decode()
    nav = _nav(body)
    link = nav[nav.find('href="' + reverse("organizations:list")) - 80 :]
    assert "active" in link[:200]


@pytest.mark.parametrize("name", ["organizations:create"])
def test_registry_forms_have_breadcrumbs(client, methodologist, name):
    client.force_login(methodologist)
    body = client.get(reverse(name)).content.decode()
    assert 'class="breadcrumb"' in body and reverse("organizations:list") in body
