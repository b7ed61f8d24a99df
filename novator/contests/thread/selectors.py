"""Reads of an application's thread: its messages and the workflow events of the application, in order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from novator.core.models import ActivityLog

from ..models import Application
from .models import ApplicationMessage

#: the workflow events shown in the thread (the activity log's actions of the application)
EVENTS = {
    "application.submit": _("The application is submitted"),
    "application.return": _("The application is returned for fixes"),
    "application.accept": _("The application passed the formal check"),
    "application.reject": _("The application is rejected"),
    "application.withdraw": _("The application is withdrawn"),
    "appeal.submit": _("An appeal is filed"),
}


@dataclass(frozen=True)
class ThreadItem:
    at: Any
    message: ApplicationMessage | None = None
    event: ActivityLog | None = None

    @property
    def label(self) -> str:
        return str(EVENTS.get(self.event.action, self.event.action)) if self.event is not None else ""

    @property
    def reason(self) -> str:
        if self.event is None:
            return ""
        reason = (self.event.changes or {}).get("reason")
        return reason[1] if isinstance(reason, list) and len(reason) == 2 else ""


def application_thread(application: Application) -> list[ThreadItem]:
    """The messages (with their authors and files) and the workflow events, oldest first (three queries)."""
    messages = list(
        ApplicationMessage.objects.filter(application=application)
        .select_related("author")
        .prefetch_related("files")
    )
    events = list(
        ActivityLog.objects.filter(
            content_type=ContentType.objects.get_for_model(Application),
            object_id=str(application.pk),
            action__in=list(EVENTS),
        ).order_by("created_at", "pk")
    )
    items = [ThreadItem(at=m.created_at, message=m) for m in messages]
    items += [ThreadItem(at=e.created_at, event=e) for e in events]
    items.sort(key=lambda item: item.at)
    return items
