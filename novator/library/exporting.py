"""Open data: the published catalogue as CSV or JSON, streamed row by row (never whole in memory)."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterator
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from novator.core.streaming import primed
from novator.organizations.exporting import csv_chunks
from novator.organizations.models import Person

from .models import MethodProduct

FORMATS = ("csv", "json")

#: (JSON key, CSV header) of each column, in order.
COLUMNS: tuple[tuple[str, Callable[[], str]], ...] = (
    ("id", lambda: _("Id")),
    ("title", lambda: _("Title")),
    ("type", lambda: _("Type")),
    ("annotation", lambda: _("Annotation")),
    ("authors", lambda: _("Authors")),
    ("author_organizations", lambda: _("Author organisations")),
    ("municipalities", lambda: _("Municipalities")),
    ("audience", lambda: _("For organisations")),
    ("subjects", lambda: _("Subjects and areas")),
    ("ages", lambda: _("Children's age")),
    ("source_project", lambda: _("Innovation project")),
    ("released_on", lambda: _("Date of issue")),
    ("council_date", lambda: _("Date of the methodological council")),
    ("council_decision", lambda: _("Decision of the council")),
    ("licence", lambda: _("Licence for reuse")),
    ("version", lambda: _("Version")),
    ("adoption_count", lambda: _("Adoptions")),
    ("average_rating", lambda: _("Average rating")),
    ("url", lambda: _("Page")),
)


def export_queryset(products: QuerySet[MethodProduct]) -> QuerySet[MethodProduct]:
    return products.prefetch_related(Prefetch("author_people", queryset=Person.objects.order_by("last_name")))


def export_records(
    products: QuerySet[MethodProduct], absolute: Callable[[str], str]
) -> Iterator[dict[str, Any]]:
    """One dict per product (the queryset comes from `product_search`, which adds the figures)."""
    for p in export_queryset(products).iterator(chunk_size=500):
        organizations = list(p.author_organizations.all())
        yield {
            "id": p.pk,
            "title": p.title,
            "type": str(p.get_type_display()),
            "annotation": p.annotation,
            "authors": ", ".join(p.authors),
            "author_organizations": [o.short_name for o in organizations],
            "municipalities": sorted({o.municipality.name for o in organizations}),
            "audience": p.audience_labels,
            "subjects": p.subjects,
            "ages": p.ages,
            "source_project": p.source_project,
            "released_on": p.released_on,
            "council_date": p.council_date,
            "council_decision": str(p.get_council_decision_display()) if p.council_decision else "",
            "licence": str(p.get_licence_display()),
            "version": p.version,
            "adoption_count": p.adoption_count,  # type: ignore[attr-defined]
            "average_rating": round(p.average_rating, 2) if p.average_rating is not None else None,  # type: ignore[attr-defined]
            "url": absolute(p.get_absolute_url()),
        }


def _csv_rows(records: Iterator[dict[str, Any]]) -> Iterator[list[Any]]:
    for record in records:
        yield [
            "; ".join(value) if isinstance(value, list) else ("" if value is None else value)
            for value in record.values()
        ]


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _json_chunks(records: Iterator[dict[str, Any]]) -> Iterator[str]:
    yield "["
    for index, record in enumerate(records):
        text = json.dumps({k: _json_value(v) for k, v in record.items()}, ensure_ascii=False)
        yield ("," if index else "") + "\n" + text
    yield "\n]\n"


def export_response(
    products: QuerySet[MethodProduct], *, file_format: str, absolute: Callable[[str], str], filename: str
) -> StreamingHttpResponse:
    records = primed(export_records(products, absolute))  # a failing query is an error page, not a cut file
    if file_format == "csv":
        headers = [label() for _key, label in COLUMNS]
        response = StreamingHttpResponse(
            csv_chunks(_csv_rows(records), headers), content_type="text/csv; charset=utf-8"
        )
    else:
        response = StreamingHttpResponse(
            _json_chunks(records), content_type="application/json; charset=utf-8"
        )
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    return response
