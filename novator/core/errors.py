"""The site's own error pages (400, 403, 404, 500) and the 503 page when the database is unreachable.

Every exception no view handled reaches `server_error` (handler500), wherever it was raised (a view,
a middleware, a context processor): an unreachable database there is the 503 page, anything else 500.

403 and 404 are rendered with the site's layout and navigation (the request's context, as any page).
500 and 503 must render whatever broke, the database included: they use `errors/static_base.html`,
which needs no context processor, no user and no query, only the request's language. An API path
gets the same answer as JSON (`{"detail": …}`), as DRF gives its own errors.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger("novator.errors")

#: How long a client should wait before asking again while the database is down (seconds).
RETRY_AFTER = 30

# Errors of the database connection itself (down, refused, restarting, locked too long), whichever
# backend raised them; a programming error (an unknown column) is a 500.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _static_page(request: HttpRequest, template: str, status: int, context: dict[str, Any]) -> HttpResponse:
    """A page rendered without context processors: it cannot touch the database."""
    body = loader.get_template(template).render({**context, "request_path": request.path})
    return HttpResponse(body, status=status, content_type="text/html; charset=utf-8")


def database_unavailable(request: HttpRequest) -> HttpResponse:
    message = _(
        "The service is temporarily unavailable: the database does not answer. Try again in a minute."
    )
    if _is_api(request):
        response: HttpResponse = JsonResponse({"detail": message}, status=503)
    else:
        response = _static_page(request, "503.html", 503, {"message": message})
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the exception being handled decides between «database down» (503) and a 500."""
    exc = sys.exc_info()[1]
    if isinstance(exc, DATABASE_UNAVAILABLE):
        logger.error("Database unavailable: %s", exc)
        return database_unavailable(request)
    if _is_api(request):
        return JsonResponse({"detail": _("A server error occurred. It has been logged.")}, status=500)
    return _static_page(request, "500.html", 500, {})


@requires_csrf_token
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: the site's 403 page with what to do (usually: the form was open too long)."""
    message = _(
        "The form has expired or was sent from another site. Go back, reload the page and send it again."
    )
    if _is_api(request):
        return JsonResponse({"detail": message}, status=403)
    body = loader.render_to_string("403.html", {"message": message}, request=request)
    return HttpResponse(body, status=403)
