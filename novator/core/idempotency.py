"""Create forms that create once, however many times they are sent.

Three quick clicks on «Create» are three POSTs; each would create an object. A create form carries a
one-time token (`{% submit_token %}` from `novator` template tags, a new one at each render) and its view
is wrapped in `@once_per_token`:

- the first POST with a token claims it (an INSERT: the token is the primary key, so two concurrent
  requests cannot both claim it) and runs the view; when the view redirects (the object was created),
  the address is kept with the token;
- a repeated POST with the same token runs nothing: it waits for the first one to finish (at most
  `NOVATOR_SUBMISSION_WAIT` seconds) and is redirected to the same address, with a message that the
  form had already been sent;
- when the view does not redirect (the form had errors) or fails, the claim is released: the same form
  may be corrected and sent again.

A POST without a token (the API, a form not converted yet) runs the view as before. The front end also
disables the submit buttons of a form once it is sent (frontend/static/js/novator.js).
"""

from __future__ import annotations

import datetime
import time
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import SubmissionToken

FIELD = "_submit_token"
#: Tokens are kept this long; a form left open longer gets a new token when it is reloaded.
KEEP = datetime.timedelta(days=2)
_POLL = 0.1


def new_token() -> str:
    return str(uuid.uuid4())


def _parse(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value and len(value) <= 40 else None
    except ValueError:
        return None


def _claim(token: uuid.UUID, user_id: int | None) -> bool:
    try:
        with transaction.atomic():
            SubmissionToken.objects.create(token=token, user_id=user_id)
    except IntegrityError:
        return False
    return True


def _wait_for_result(token: uuid.UUID) -> str | None:
    """The address the first POST redirected to; "" if its claim was released; None while it runs."""
    deadline = time.monotonic() + float(getattr(settings, "NOVATOR_SUBMISSION_WAIT", 10))
    while True:
        row = SubmissionToken.objects.filter(token=token).values_list("result_url").first()
        if row is None:
            return ""
        if row[0]:
            return str(row[0])
        if time.monotonic() >= deadline:
            return None
        time.sleep(_POLL)


def _refused(request: HttpRequest) -> bool:
    """The view redirected with an error message (refused, nothing created): not a result to repeat."""
    queued = getattr(getattr(request, "_messages", None), "_queued_messages", None) or []
    return any(m.level >= messages.ERROR for m in queued)


def once_per_token(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Wrap a create view: a POST whose token was already used redirects to what it created."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        token = _parse(request.POST.get(FIELD, "")) if request.method == "POST" else None
        if token is None:
            return view(request, *args, **kwargs)
        user_id = request.user.pk if request.user.is_authenticated else None
        claimed = False
        for _attempt in range(3):
            claimed = _claim(token, user_id)
            if claimed:
                break
            result = _wait_for_result(token)
            if result:
                messages.info(request, _("The form had already been sent; this is what it created."))
                return HttpResponseRedirect(result)
            if result is None:
                break
            # "": the first POST was released (its form had errors), so this one may try itself
        if not claimed:
            messages.warning(request, _("The form is still being sent; reload the page in a moment."))
            return redirect(request.get_full_path())
        try:
            response = view(request, *args, **kwargs)
        except BaseException:
            SubmissionToken.objects.filter(token=token).delete()
            raise
        if response.status_code in (302, 303) and not _refused(request):
            SubmissionToken.objects.filter(token=token).update(result_url=response["Location"][:1000])
            SubmissionToken.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
        else:
            SubmissionToken.objects.filter(token=token).delete()
        return response

    wrapper.once_per_token = True  # type: ignore[attr-defined]  # read by the test of every create view
    return wrapper
