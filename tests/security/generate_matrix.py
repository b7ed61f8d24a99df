"""Add an entry to permission_matrix.py for every URL name that has none, from what each role gets now.

Run: `.venv/bin/pytest tests/security/generate_matrix.py -q -s` and then read the new entries: the
outcomes are what the code does today, and a reviewer confirms they are what it should do.
Existing entries are kept as they are.
"""

from __future__ import annotations

import os
import pprint
import subprocess
import sys
from pathlib import Path

import pytest

from .harness import ALLOW, REFUSED, ask, build_url, classify, url_names
from .kwargs import KWARGS
from .world import ROLES

MATRIX_FILE = Path(__file__).with_name("permission_matrix.py")


@pytest.mark.django_db
def test_generate(world):
    from . import permission_matrix

    matrix = dict(permission_matrix.MATRIX)
    # REGENERATE=contests:,expertise: redoes the entries whose names start with one of these prefixes.
    prefixes = tuple(p for p in os.environ.get("REGENERATE", "").split(",") if p)
    names = url_names()
    for name in list(matrix):
        if name not in names or "all" in prefixes or (prefixes and name.startswith(prefixes)):
            del matrix[name]
    added = []
    errors_seen = {}
    for name in sorted(names - set(matrix)):
        entry = {"kwargs": KWARGS.get(name, {}), "method": "get"}
        try:
            url = build_url(world, name, entry)
        except Exception as exc:
            print("cannot build", name, exc)
            continue
        outcomes = {role: classify(ask(world, role, url, "get")) for role in ROLES}
        if "method" in outcomes.values():
            entry["method"] = "post"
            outcomes = {role: classify(ask(world, role, url, "post")) for role in ROLES}
        errors = [r for r, o in outcomes.items() if o == "error"]
        if errors:
            errors_seen[name] = errors
            print("SERVER ERROR", name, url, errors)
        entry["allow"] = [r for r in ROLES if outcomes[r] == ALLOW]
        refused = [r for r in ROLES if outcomes[r] == REFUSED]
        if refused:
            entry["refused"] = refused
        matrix[name] = entry
        added.append(name)
    if added:
        header = MATRIX_FILE.read_text().split("MATRIX: dict", 1)[0]
        body = pprint.pformat(dict(sorted(matrix.items())), width=110, sort_dicts=False)
        MATRIX_FILE.write_text(header + "MATRIX: dict[str, dict[str, Any]] = " + body + "\n")
        ruff = Path(sys.executable).with_name("ruff")
        if ruff.exists():  # keep `ruff format --check .` (make test) clean
            subprocess.run([str(ruff), "format", str(MATRIX_FILE)], check=False, capture_output=True)
    print("added", len(added), added)
    print("world failures", world.failures)
    print("server errors", errors_seen)
