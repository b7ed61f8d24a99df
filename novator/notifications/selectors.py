from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import Notification


def notification_list(*, user: Any, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.for_user(user)
    if unread_only:
        qs = qs.unread()
    return qs.order_by("-created", "-id")


def unread_count(request: Any) -> int:
    """The user's unread notifications (one query, cached on the request)."""
    cached = getattr(request, "_novator_unread", None)
    if cached is not None:
        return int(cached)
    user = getattr(request, "user", None)
    count = 0
    if user is not None and user.is_authenticated:
        count = Notification.objects.for_user(user).unread().count()
    request._novator_unread = count
    return count
