from __future__ import annotations

from typing import Any

from django import template

from novator.library.selectors import top_products

register = template.Library()


@register.inclusion_tag("library/_home_top.html")
def library_top_products(limit: int = 5) -> dict[str, Any]:
    """The most adopted and best rated products (two queries).

    `{% load library %}{% library_top_products 5 %}`"""
    return {"top_products": list(top_products(limit))}
