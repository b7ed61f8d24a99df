from __future__ import annotations

import re
from typing import Any

from django.core import mail

LINK = re.compile(r"https?://\S+/people/invitation/(\S+)/")


def link_token(message: Any = None) -> str:
    """The token of the invitation link in ``message`` (default: the last e-mail sent)."""
    body = message.body if message is not None else mail.outbox[-1].body
    found = LINK.search(str(body))
    assert found, body
    return found.group(1)


def accept_data(**overrides: Any) -> dict[str, Any]:
    return {
        "last_name": "Кузнецова",
        "first_name": "Ирина",
        "middle_name": "Павловна",
        "password1": "Zdravstvuj-mir-2024",
        "password2": "Zdravstvuj-mir-2024",
        "consent": "on",
        **overrides,
    }
