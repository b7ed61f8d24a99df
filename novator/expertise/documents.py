"""The commission's minutes and the draft order, rendered from the DOCX templates in `docx/` (docxtpl).

Rendering one contest is quick, so it happens in the request and is sent as an attachment. The templates
are built by `docx/build_templates.py`; the context of each is built here from the confirmed outcome.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.http import FileResponse
from django.utils import translation
from django.utils.translation import ngettext
from docxtpl import DocxTemplate

from novator.contests.models import Application, Contest
from novator.core.docx_build import cite, date_text, quote
from novator.core.names import phrase_genitive, signature_name
from novator.documents.models import BodyKind, OrderPurpose
from novator.documents.selectors import issuer_for, registered_order, requisites_for
from novator.statuses.services import term_end

from . import agreement, selectors
from .ranking import Ranking, contest_ranking
from .services.results import status_start

TEMPLATES = Path(__file__).resolve().parent / "docx"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _date(value: Any) -> str:
    return date_text(value)


def _number(value: Any) -> str:
    if value is None:
        return "—"
    return f"{value:.2f}".replace(".", ",")


def _figure(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}".replace(".", ",")


def _signed(value: float) -> str:
    return ("+" if value > 0 else "") + _figure(value, 2)


def _agreement_context(ranking: Ranking) -> dict[str, Any]:
    """The agreement figures of the minutes, in Russian whatever the interface language."""
    figures = ranking.agreement
    if figures is None:  # pragma: no cover - the selector always computes them
        return {}
    c = figures.concordance
    flagged = [
        {
            "number": row.application.number or "",
            "organization": row.application.organization.short_name,
            "range": _figure(row.spread.range, 2),
            "low": _figure(row.spread.minimum, 2),
            "high": _figure(row.spread.maximum, 2),
        }
        for row in ranking.rows
        if row.spread is not None and row.spread.flagged
    ]
    return {
        "official_ranking": "по откалиброванным баллам"
        if ranking.is_calibrated
        else "по средним баллам экспертов",
        "calibration_min_sheets": ranking.contest.calibration_min_sheets,
        "calibrated_experts": ranking.calibrated_experts,
        "kendall_w": _figure(c.w),
        "w_interpretation": agreement.interpret_w(c.w),
        "w_test": (
            f"χ² = {_figure(c.chi2, 2)}, степеней свободы — {c.df}, p = {_figure(c.p_value, 4)}"
            if c.w is not None and c.chi2 is not None
            else ""
        ),
        "w_note": c.reason,
        "icc1": _figure(figures.icc1),
        "icc2": _figure(figures.icc2_1),
        "spread_threshold": _number(figures.threshold),
        "spread_percent": ranking.contest.spread_threshold_percent,
        "flagged": flagged,
        "leniency": [
            {
                "name": item.name,
                "applications": item.applications,
                "deviation": _signed(item.mean_deviation),
                "calibrated": "да" if item.calibrated else "нет",
            }
            for item in figures.leniency
        ],
    }


def _years(n: int) -> str:
    """«1 год», «3 года», «5 лет»: the catalogue's Russian plural forms, whatever the interface language."""
    with translation.override("ru"):
        return ngettext("%(years)s year", "%(years)s years", n) % {"years": n}


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
    ranking = contest_ranking(contest)
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
                    "raw_total": _number(row.raw.total if row.raw else None),
                    "calibrated_total": _number(row.calibrated.total if row.calibrated else None),
                    "total": _number(
                        application.total if application.total is not None else row.result.total
                    ),
                    "decision": "рекомендовать" if awarded else "не рекомендовать",
                }
            )
            if awarded:
                winners.append(_winner(application))
            if application.decision_note:
                overrides.append(
                    {
                        "organization": application.organization.short_name,
                        "decision": "рекомендовать" if awarded else "не рекомендовать",
                        "reason": application.decision_note,
                    }
                )
        categories.append(
            {"name": category.name or "Общий рейтинг", "quota": category.quota or "", "rows": rows}
        )
    return {
        "contest_title": contest.title,
        "academic_year": contest.academic_year,
        "organiser": issuer_for(contest.organiser).full_name,
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
        **_agreement_context(ranking),
    }


def _regulation_subject(title: str) -> str:
    """«Положением о …»: «проведении муниципального конкурса на статус …» from the contest's title
    («Муниципальный конкурс на статус …»); a title that is not «… конкурс …» is quoted."""
    words = title.strip().split()
    for index, word in enumerate(words):
        if word.lower() == "конкурс" and index + 1 < len(words):
            head = " ".join(words[: index + 1])
            head = head[:1].lower() + head[1:]
            return f"проведении {phrase_genitive(head)} {' '.join(words[index + 1 :])}"
    return f"проведении конкурса {quote(title)}"


def order_context(contest: Contest) -> dict[str, Any]:
    """The results order (ГОСТ Р 7.0.97-2016): the issuer's requisites, the legal basis citing the order
    that approved the regulation and the minutes, one item per winner, the term, the addressees."""
    commission = selectors.commission_for(contest)
    winners = [
        {**_winner(a), "project": quote(a.project_title)}
        for a in Application.objects.filter(contest=contest, awarded=True)
        .select_related("organization")
        .order_by("category__position", "rank", "number", "pk")
    ]
    starts = status_start(contest)
    years = contest.status_term_years
    kind = contest.status_kind
    issuer = issuer_for(contest.organiser)
    imc = requisites_for(kind=BodyKind.IMC, municipality=contest.organiser_municipality)
    announcement = registered_order(contest, OrderPurpose.ANNOUNCEMENT)
    status_name = kind.name if kind else ""
    status_genitive = phrase_genitive(status_name[:1].lower() + status_name[1:]) if status_name else ""
    return {
        # the documents are Russian office forms whatever the interface language
        "issuer_name": issuer.full_name,
        "issuer_short": issuer.short_name,
        "place": issuer.place,
        "authority": issuer.full_name,
        "contest_title": contest.title,
        "academic_year": contest.academic_year,
        "order_number": contest.order_number,
        "order_date": _date(contest.order_date),
        "order_title": f"О присвоении статуса {status_genitive}" if status_genitive else "Об итогах конкурса",
        "regulation_subject": _regulation_subject(contest.title),
        "regulation_cite": cite(announcement.date, announcement.number) if announcement else cite(None, None),
        "minutes_number": commission.minutes_number if commission else "",
        "minutes_date": _date(commission.minutes_date) if commission else "",
        "minutes_cite": cite(
            commission.minutes_date if commission else None, commission.minutes_number if commission else None
        ),
        "status_name": status_name,
        "status_genitive": status_genitive,
        "status_abbreviation": kind.abbreviation if kind else "",
        "term": _years(years),
        "starts_on": _date(starts),
        "ends_on": _date(term_end(starts, years)),
        "report_due": "1 июня",
        "imc_name": imc.short_name if imc.pk else "МКУ «ИМЦ»",
        "imc_head": imc.head_signature if imc.pk else "",
        "head_position": issuer.head_position,
        "head_signature": issuer.head_signature,
        "preparer_position": issuer.preparer_position,
        "preparer_signature": signature_name(issuer.preparer_name),
        "preparer_name": issuer.preparer_name,
        "preparer_phone": issuer.preparer_phone,
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
