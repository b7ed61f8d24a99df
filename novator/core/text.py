"""Russian text helpers: folding for search, plural forms, number formatting."""

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


def plural_ru(n: int, one: str, few: str, many: str) -> str:
    """Pick the Russian plural form: 1 заявка, 2 заявки, 5 заявок."""
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many
