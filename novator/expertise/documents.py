"""The commission's minutes and the draft order, rendered from the DOCX templates in `docx/` (docxtpl).

Rendering one contest is quick, so it happens in the request and is sent as an attachment. The templates
are built by `docx/build_templates.py`; the context of each is built here from the confirmed outcome.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.http import FileResponse
from docxtpl import DocxTemplate

from novator.contests.models import Application, Contest
from novator.core.text import plural_ru
from novator.statuses.services import term_end

from . import selectors
from .services.results import status_start

TEMPLATES = Path(__file__).resolve().parent / "docx"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _date(value: Any) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def _number(value: Any) -> str:
    if value is None:
        return "—"
    return f"{value:.2f}".replace(".", ",")


def _years(n: int) -> str:
    return f"{n} {plural_ru(n, 'год', 'года', 'лет')}"


def _winner(application: Application) -> dict[str, str]:
    return {
        "full_name": application.organization.full_name or application.organization.short_name,
        "short_name": application.organization.short_name,
        "project": application.project_title,
    }


def _commission_people(contest: Contest) -> tuple[list[dict[str, str]], str, str]:
    commission = selectors.commission_for(contest)
    if commission is None:
        return [], "", ""
    members = []
    for member in commission.members.select_related("expert__user", "expert__organization").order_by(
        "expert__user__last_name", "expert__user__first_name", "pk"
    ):
        expert = member.expert
        members.append(
            {
                "name": expert.user.display_name,
                "role": "председатель комиссии" if commission.chair_id == expert.pk else "",
                "where": expert.organization.short_name if expert.organization is not None else "",
            }
        )
    members.sort(key=lambda m: m["role"] == "")
    chair = commission.chair.user.display_name if commission.chair is not None else ""
    secretary = commission.secretary.display_name if commission.secretary is not None else ""
    return members, chair, secretary


def minutes_context(contest: Contest) -> dict[str, Any]:
    """The minutes: members, the ranking table per category with the confirmed decision, the winners."""
    ranking = selectors.contest_ranking(contest)
    commission = selectors.commission_for(contest)
    members, chair, secretary = _commission_people(contest)
    categories = []
    winners = []
    overrides = []
    for category in ranking.categories:
        rows = []
        for row in category.rows:
            application = row.application
            awarded = application.awarded
            rows.append(
                {
                    "rank": application.rank or row.result.rank or "—",
                    "number": application.number or "",
                    "organization": application.organization.short_name,
                    "project": application.project_title,
                    "sheets": row.submitted,
                    "total": _number(
                        application.total if application.total is not None else row.result.total
                    ),
                    "decision": "рекомендовать" if awarded else "отказать",
                }
            )
            if awarded:
                winners.append(_winner(application))
            if application.decision_note:
                overrides.append(
                    {
                        "organization": application.organization.short_name,
                        "decision": "рекомендовать" if awarded else "отказать",
                        "reason": application.decision_note,
                    }
                )
        categories.append(
            {"name": category.name or "Общий рейтинг", "quota": category.quota or "", "rows": rows}
        )
    return {
        "contest_title": contest.title,
        "academic_year": contest.academic_year,
        "organiser": str(contest.organiser or ""),
        "status_name": contest.status_kind.name if contest.status_kind_id else "",  # type: ignore[union-attr]
        "minutes_number": commission.minutes_number if commission else "",
        "minutes_date": _date(commission.minutes_date) if commission else "",
        "members": members,
        "chair": chair,
        "secretary": secretary,
        "experts_per_application": contest.experts_per_application,
        "criteria_count": len(ranking.criteria),
        "max_total": _number(ranking.max_total),
        "threshold": _number(ranking.threshold),
        "categories": categories,
        "winners": winners,
        "overrides": overrides,
    }


def order_context(contest: Contest) -> dict[str, Any]:
    """The draft order: one line «full name — по теме: «project»» per winner, and the term."""
    commission = selectors.commission_for(contest)
    winners = [
        _winner(a)
        for a in Application.objects.filter(contest=contest, awarded=True)
        .select_related("organization")
        .order_by("category__position", "rank", "number", "pk")
    ]
    starts = status_start(contest)
    years = contest.status_term_years
    kind = contest.status_kind
    return {
        # the documents are Russian office forms whatever the interface language
        "authority": f"Управление образования: {contest.organiser}" if contest.organiser else "",
        "contest_title": contest.title,
        "academic_year": contest.academic_year,
        "order_number": contest.order_number,
        "order_date": _date(contest.order_date),
        "minutes_number": commission.minutes_number if commission else "",
        "minutes_date": _date(commission.minutes_date) if commission else "",
        "status_name": kind.name if kind else "",
        "status_abbreviation": kind.abbreviation if kind else "",
        "term": _years(years),
        "starts_on": _date(starts),
        "ends_on": _date(term_end(starts, years)),
        "winners": winners,
    }


def render(template: str, context: dict[str, Any]) -> bytes:
    document = DocxTemplate(str(TEMPLATES / template))
    document.render(context, autoescape=True)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _response(content: bytes, filename: str) -> FileResponse:
    response = FileResponse(
        io.BytesIO(content), as_attachment=True, filename=filename, content_type=DOCX_MIME
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def minutes_response(contest: Contest) -> FileResponse:
    return _response(render("minutes.docx", minutes_context(contest)), f"minutes-contest-{contest.pk}.docx")


def order_response(contest: Contest) -> FileResponse:
    return _response(render("order.docx", order_context(contest)), f"order-contest-{contest.pk}.docx")
