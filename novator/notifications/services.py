"""One entry point for telling users about something: ``notify``.

Every app calls ``notify`` instead of sending e-mail itself, so that in-app notifications and each
user's e-mail preferences apply everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction


def notify(
    recipients: Iterable[Any],
    *,
    kind: str,
    subject: str,
    body: str,
    url: str = "",
) -> None:
    """Tell ``recipients`` (users) about something, after the current transaction commits.

    ``kind`` is a short dotted code (``"events.waitlist_promoted"``) that users can switch e-mail off for.
    """
    users = [user for user in recipients if user is not None]
    text = body + (f"\n{url}\n" if url else "")
    messages = [
        (subject, text, settings.DEFAULT_FROM_EMAIL, [user.email]) for user in users if getattr(user, "email", "")
    ]
    if messages:
        transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=True))
