"""The signed check-in URL (django.core.signing) and its QR code (segno, SVG, made on the server)."""

from __future__ import annotations

import io

import segno
from django.core import signing
from django.urls import reverse

SALT = "novator.events.checkin"


def make_token(registration_id: int) -> str:
    return signing.dumps({"r": registration_id}, salt=SALT, compress=False)


def read_token(token: str) -> int | None:
    """The registration id, or None when the signature is wrong or the token is malformed."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    value = data.get("r") if isinstance(data, dict) else None
    return value if isinstance(value, int) else None


def checkin_path(registration_id: int) -> str:
    return reverse("events:checkin", args=[make_token(registration_id)])


def qr_svg(url: str) -> str:
    """An inline SVG (no XML declaration) of the QR code for `url`."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=4, xmldecl=False, svgns=True, border=2)
    return buffer.getvalue().decode("utf-8")
