"""Russian text helpers: cleaning and folding for search (plural forms: `ngettext` and the catalogue)."""

from __future__ import annotations

import re
from typing import Any

_SPACES = re.compile(r"\s+")


def clean_text(value: Any, limit: int = 20_000) -> str:
    """A value as stripped text of at most `limit` characters ("" for none)."""
    return str(value or "").strip()[:limit]


def fold(value: str | None) -> str:
    """Case- and ё/е-insensitive form of a text, for search columns and comparisons."""
    if not value:
        return ""
    return _SPACES.sub(" ", value.casefold().replace("ё", "е")).strip()
