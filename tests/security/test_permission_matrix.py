"""Every named URL × every role gets what the permission matrix says (tests/security/permission_matrix.py).

The URL configuration is enumerated: a URL added without an entry in the matrix fails here, and so does
an entry for a URL that no longer exists. No role may get a server error on any URL.
"""

from __future__ import annotations

import pytest

from . import figures
from .harness import ALLOW, DENY, REFUSED, ask, build_url, classify, url_names
from .permission_matrix import MATRIX
from .world import ROLES

pytestmark = pytest.mark.django_db


def test_every_url_has_an_entry_in_the_matrix():
    names = url_names()
    missing = sorted(names - set(MATRIX))
    stale = sorted(set(MATRIX) - names)
    assert not missing, (
        f"URLs without an entry in tests/security/permission_matrix.py: {missing}. "
        "Run `pytest tests/security/generate_matrix.py -s` and review the new entries."
    )
    assert not stale, f"Entries for URLs that no longer exist: {stale}"


def test_matrix_entries_are_well_formed():
    for name, entry in MATRIX.items():
        assert entry["method"] in ("get", "post"), name
        assert set(entry["allow"]) <= set(ROLES), name
        assert set(entry.get("refused", ())) <= set(ROLES) - set(entry["allow"]), name


def test_the_world_is_complete(world):
    assert not world.failures, world.failures


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_role_gets_what_the_matrix_says(world, name):
    entry = MATRIX[name]
    url = build_url(world, name, entry)
    wrong = {}
    for role in ROLES:
        got = classify(ask(world, role, url, entry["method"]))
        expected = ALLOW if role in entry["allow"] else REFUSED if role in entry.get("refused", ()) else DENY
        if got != expected:
            wrong[role] = f"expected {expected}, got {got}"
    figures.add("permission_matrix", "checks", len(ROLES))
    figures.add("permission_matrix", "urls", 1)
    assert not wrong, f"{entry['method'].upper()} {url}: {wrong}"
