"""Figures for docs/reliability.md: tests add counts here; with NOVATOR_FIGURES=<path> set, they are merged
into that JSON file (one section per test family), which `make reliability` renders into the document."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def _path() -> Path | None:
    value = os.environ.get("NOVATOR_FIGURES")
    return Path(value) if value else None


def _load(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text())
    except (FileNotFoundError, ValueError):
        return {}


def add(section: str, key: str, amount: int | float = 1) -> None:
    """Add `amount` to a counter."""
    path = _path()
    if path is None:
        return
    data = _load(path)
    data.setdefault(section, {})
    data[section][key] = data[section].get(key, 0) + amount
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True))


def put(section: str, key: str, value: Any) -> None:
    """Set a value (the last run wins)."""
    path = _path()
    if path is None:
        return
    data = _load(path)
    data.setdefault(section, {})[key] = value
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True))
