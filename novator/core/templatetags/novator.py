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


@register.simple_tag
def submit_token() -> Any:
    """The hidden one-time token of a create form (novator.core.idempotency): sending the form twice
    creates one object. A new token at each render."""
    from django.utils.html import format_html

    from novator.core.idempotency import FIELD, new_token

    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_token())
