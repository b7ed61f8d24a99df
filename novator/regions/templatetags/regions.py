from __future__ import annotations

from typing import Any

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def figure(value: Any, kind: str = "int") -> str:
    """A figure in the user's locale (Russian: 1 234,5), «—» when there is none."""
    if value is None:
        return "—"
    return formats.number_format(value, 1 if kind == "float" else 0, use_l10n=True, force_grouping=True)


@register.filter
def cell(row: Any, key: str) -> Any:
    return row.value(key)


@register.filter
def year_cell(row: Any, year: str) -> tuple[int, int]:
    return row.by_year.get(year, (0, 0))
