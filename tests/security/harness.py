"""Enumerating the URL configuration and asking one URL as one role (shared by the test and the generator)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .world import World

#: Namespaces and names that are not the product's own pages (Django admin, language switch, API docs).
SKIPPED_NAMESPACES = {"admin"}
SKIPPED_NAMES = {"api-schema", "api-docs", "set_language"}

ALLOW, DENY, REFUSED = "allow", "deny", "refused"


def url_names() -> set[str]:
    """Every named URL of the project (namespaced), except the admin, static files and the API docs."""
    names: set[str] = set()

    def walk(resolver: URLResolver, namespace: str | None) -> Iterator[None]:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                ns = namespace
                if pattern.namespace:
                    if pattern.namespace in SKIPPED_NAMESPACES:
                        continue
                    ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                yield from walk(pattern, ns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                full = f"{namespace}:{pattern.name}" if namespace else pattern.name
                if full not in SKIPPED_NAMES and not str(pattern.pattern).startswith("static"):
                    names.add(full)
                yield None

    for _ in walk(get_resolver(), None):
        pass
    return names


def resolve_kwargs(world: World, kwargs: dict[str, Any]) -> dict[str, Any]:
    """`"@name"` is the pk of a world object, `"@name.attr"` one of its attributes; other values as is."""
    out: dict[str, Any] = {}
    for key, value in kwargs.items():
        if isinstance(value, str) and value.startswith("@"):
            name, _, attr = value[1:].partition(".")
            out[key] = world.get(name, attr or "pk")
        else:
            out[key] = value
    return out


def build_url(world: World, name: str, entry: dict[str, Any]) -> str:
    return reverse(name, kwargs=resolve_kwargs(world, entry.get("kwargs", {})))


def classify(response: Any) -> str:
    """allow / deny / refused / error / method from one response.

    deny: the door stayed shut (403, 404, a redirect to the login page); refused: the view let the request
    in and its service said no with an error message (e.g. «you do not have permission to do this»).
    """
    from django.contrib import messages

    code = response.status_code
    if code >= 500:
        return "error"
    if code == 405:
        return "method"
    if code in (401, 403, 404):
        return DENY
    if code in (301, 302, 303) and "/accounts/login/" in response.get("Location", ""):
        return DENY
    storage = getattr(getattr(response, "wsgi_request", None), "_messages", None)
    queued = getattr(storage, "_queued_messages", []) or []
    if any(m.level >= messages.ERROR for m in queued):
        return REFUSED
    return ALLOW


def ask(world: World, role: str, url: str, method: str, data: dict[str, Any] | None = None) -> Any:
    """One request as `role`, rolled back afterwards so that no role sees another role's changes."""
    client = Client(raise_request_exception=False, HTTP_ACCEPT="text/html,application/json")
    user = world.users.get(role)
    if user is not None:
        client.force_login(user)
    with transaction.atomic():
        response = client.post(url, data or {}) if method == "post" else client.get(url)
        transaction.set_rollback(True)
    return response
