from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .models import RoleAssignment


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """The user's account: roles with their scope and links to the password and e-mail settings."""
    user: Any = request.user
    assignments = (
        RoleAssignment.objects.filter(user=user)
        .select_related("region", "municipality", "organization")
        .order_by("role", "id")
    )
    return render(request, "accounts/profile.html", {"assignments": assignments})
