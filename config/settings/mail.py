"""E-mail settings from one variable: ``EMAIL_URL`` (docs/deployment.md)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EML_BACKEND = "novator.notifications.mail.EmlFileBackend"
_SMTP_PORTS = {"smtp": 25, "smtp+tls": 587, "submission": 587, "smtp+ssl": 465, "smtps": 465}


def email_settings(url: str) -> dict[str, Any]:
    """Django's EMAIL_* settings and the delivery backend from a URL.

    - ``smtp://host:25`` — plain SMTP; ``smtp+tls://user:password@host:587`` — STARTTLS;
      ``smtp+ssl://user:password@host:465`` (or ``smtps://``) — TLS from the start; a ``?timeout=30``
      query sets the timeout in seconds (30 by default); user and password are percent-encoded;
    - ``file:///srv/novator/mail`` — one ``.eml`` file per message in that directory;
    - ``console://`` — printed to the log.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme in _SMTP_PORTS:
        query = parse_qs(parts.query)
        try:
            port = parts.port or _SMTP_PORTS[scheme]
            timeout = int(query.get("timeout", ["30"])[0])
        except ValueError as exc:
            raise ValueError(f"EMAIL_URL: a port or timeout that is not a number ({exc})") from None
        if not parts.hostname:
            raise ValueError("EMAIL_URL: no host name (smtp+tls://user:password@host:587)")
        return {
            "NOVATOR_EMAIL_DELIVERY_BACKEND": SMTP_BACKEND,
            "EMAIL_HOST": parts.hostname,
            "EMAIL_PORT": port,
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_TLS": scheme in ("smtp+tls", "submission"),
            "EMAIL_USE_SSL": scheme in ("smtp+ssl", "smtps"),
            "EMAIL_TIMEOUT": timeout,
        }
    if scheme == "file":
        if not parts.path:
            raise ValueError("EMAIL_URL: file:// needs a directory (file:///srv/novator/mail)")
        return {"NOVATOR_EMAIL_DELIVERY_BACKEND": EML_BACKEND, "EMAIL_FILE_PATH": unquote(parts.path)}
    if scheme == "console":
        return {"NOVATOR_EMAIL_DELIVERY_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    raise ValueError(f"EMAIL_URL: unknown scheme {scheme!r}; use smtp, smtp+tls, smtp+ssl, file or console")
