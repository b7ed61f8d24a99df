from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from novator.accounts.models import Role
from novator.accounts.scope import get_scope
from novator.expertise.selectors.progress import rankings_awaiting_confirmation

from . import selectors


def home(request: HttpRequest) -> HttpResponse:
    """The public page, with one section per role the user holds on top (what to do next)."""
    user = request.user
    scope = get_scope(user)
    context: dict[str, Any] = {"figures": selectors.home_figures(), "public": selectors.public_home(user)}
    if scope.is_admin:
        context["admin_section"] = selectors.admin_home(user)
    if scope.methodologist_municipalities:
        context["methodologist"] = selectors.methodologist_home(user)
    if scope.coordinator_organizations:
        context["coordinator"] = selectors.coordinator_home(user)
    if Role.EXPERT in scope.roles:
        context["expert"] = selectors.expert_home(user)
    if scope.observer_regions or scope.observer_municipalities:
        context["observer"] = selectors.observer_home(user)
    if scope.teacher_organizations:
        context["teacher"] = selectors.teacher_home(user)
    if Role.EXPERT in scope.roles or scope.methodologist_municipalities:
        # a chair is an expert; a commission's secretary is one of the methodologists
        context["awaiting_confirmation"] = rankings_awaiting_confirmation(user)
    return render(request, "portal/home.html", context)


def search(request: HttpRequest) -> HttpResponse:
    """Global search across organisations, contests, events and library products, grouped."""
    query = " ".join(request.GET.get("q", "").split())[: selectors.MAX_QUERY]
    results = selectors.site_search(query, user=request.user) if query else {}
    q = {"q": query}
    more = {
        "organizations": reverse("organizations:list") + "?" + urlencode(q),
        "events": reverse("events:list") + "?" + urlencode(q),
        "products": reverse("library:catalogue") + "?" + urlencode({"search": query}),
        "contests": reverse("contests:list"),
    }
    total = sum(len(items) for items in results.values())
    return render(
        request,
        "portal/search.html",
        {"query": query, "results": results, "more": more, "total": total},
    )
