"""The client's address, for login throttling and lockout (django-axes, the API's token throttle).

Behind ``NOVATOR_TRUSTED_PROXIES`` reverse proxies (a balancer, nginx) every request comes from the last
proxy, and each proxy appends the address it got the request from to ``X-Forwarded-For``. The client's
address is therefore the one the outermost trusted proxy wrote: the N-th entry from the end. Whatever a
client writes into the header itself stands to the left of it and is never used, so a fresh header per
request does not make a fresh identity for throttling.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from rest_framework.throttling import ScopedRateThrottle


def client_ip(request: Any) -> str:
    remote = str(request.META.get("REMOTE_ADDR", "") or "")
    proxies = int(getattr(settings, "NOVATOR_TRUSTED_PROXIES", 0))
    if proxies <= 0:
        return remote
    forwarded = [a.strip() for a in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if a.strip()]
    if len(forwarded) < proxies:
        return remote  # the request did not pass through every proxy: only the peer's address is known
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


class ClientAddressThrottle(ScopedRateThrottle):
    """DRF's scoped throttle keyed on ``client_ip`` (not on whatever X-Forwarded-For says)."""

    def get_ident(self, request: Any) -> str:
        return client_ip(request)
