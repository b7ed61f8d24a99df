"""Logs reads of personal data: pages and API endpoints listed in settings.PERSONAL_DATA_PAGES.

A listed page answered with 200 to a signed-in user adds one PersonalDataAccess row per person shown.
Apps below `privacy` need not know about the log: the list of pages lives in the settings. A spec is

- a page of one object: {"model": ..., "kwarg": "pk", "lookup": "pk", "person": "pk"} — the people of
  the rows of `model` whose `lookup` equals the URL's `kwarg`;
- a list page: the same with a `lookup` that many rows share (the registrations of an event) and
  `exclude` (a filter of the rows the page does not show);
- an API list: {"source": "response", "person": "person"} — the `person` of every item the API answered
  (the page of results, as sent).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.conf import settings
from django.http import HttpRequest, HttpResponse

from .models import AccessKind


class PersonalDataAccessMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method != "GET" or response.status_code != 200:
            return response
        match = getattr(request, "resolver_match", None)
        spec = getattr(settings, "PERSONAL_DATA_PAGES", {}).get(match.view_name) if match else None
        if spec is None or not getattr(request.user, "is_authenticated", False):
            return response
        try:
            self._record(request, spec, match.kwargs, response)  # type: ignore[union-attr]
        except Exception:  # the log must never break the page; a failure is logged
            import logging

            logging.getLogger(__name__).exception("could not log access to personal data")
        return response

    @staticmethod
    def _record(
        request: HttpRequest, spec: dict[str, Any], kwargs: dict[str, Any], response: HttpResponse
    ) -> None:
        from .services import access_record

        person_field = spec.get("person", "pk")
        if spec.get("source") == "response":
            data = getattr(response, "data", None)
            items = data.get("results", []) if isinstance(data, dict) else data or []
            person_ids = [item.get(person_field) for item in items if isinstance(item, dict)]
        else:
            model = apps.get_model(spec["model"])
            value = kwargs.get(spec.get("kwarg", "pk"))
            if value is None:
                return
            rows = model._default_manager.filter(**{spec.get("lookup", "pk"): value})
            if spec.get("exclude"):
                rows = rows.exclude(**spec["exclude"])
            person_ids = list(rows.values_list(person_field, flat=True))
        shown = [pk for pk in person_ids if isinstance(pk, int) and pk]
        if not shown:
            return
        kind = AccessKind.API if request.path.startswith("/api/") else AccessKind.VIEW
        access_record(actor=request.user, person_ids=shown, kind=kind, path=request.path)
