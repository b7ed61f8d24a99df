from __future__ import annotations

from typing import Any

from django import template
from django.core.cache import cache

from novator.library.selectors import top_products

register = template.Library()

#: The list is the same for every visitor; it is kept this long in the shared cache and not invalidated
#: (a new adoption shows on the home page within five minutes).
TOP_CACHE_SECONDS = 300


@register.inclusion_tag("library/_home_top.html")
def library_top_products(limit: int = 5) -> dict[str, Any]:
    """The most adopted and best rated products (two queries, then cached for everyone for 5 minutes).

    `{% load library %}{% library_top_products 5 %}`"""
    products = cache.get_or_set(
        f"library:top-products:v1:{limit}", lambda: list(top_products(limit)), TOP_CACHE_SECONDS
    )
    return {"top_products": products}
