from __future__ import annotations

from typing import Any

from django import template
from django.core.paginator import Page

register = template.Library()


@register.filter
def elided_pages(page: Page) -> list[Any]:
    """Page numbers around the current one, with Paginator.ELLIPSIS for the gaps."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))


@register.filter
def is_ellipsis(value: Any) -> bool:
    return not isinstance(value, int)
