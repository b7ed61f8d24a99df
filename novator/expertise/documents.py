"""The commission's minutes and the draft order, rendered from the DOCX templates in `docx/` (docxtpl).

Rendering one contest is quick, so it happens in the request and is sent as an attachment. The templates
are built by `docx/build_templates.py`; the context of each is built here from the confirmed outcome.
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.http import FileResponse
from django.utils import timezone, translation
from django.utils.translation import ngettext, ngettext_lazy
from docxtpl import DocxTemplate

from novator.contests.models import Application, Contest
from novator.core.docx_build import cite, date_text, quote
from novator.core.docx_pdf import PDF_MIME, docx_pdf
from novator.core.names import phrase_genitive, signature_name
from novator.documents.models import BodyKind, OrderPurpose
from novator.documents.selectors import issuer_for, registered_order, requisites_for
from novator.documents.templates_office import template_source
from novator.statuses.services import term_end

from . import agreement, selectors
from .models import Meeting, Score, ScoreSheet
from .ranking import Ranking, contest_ranking
from .services.announcement import announcement_title, regulation_subject
from .services.meeting import has_quorum
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


#: Kendall's χ² approximation is trusted from 7 applications and 3 experts in the block; below that the
#: minutes call the figure indicative whatever its p-value
SMALL_BLOCK_APPLICATIONS = 7
SMALL_BLOCK_EXPERTS = 3
SIGNIFICANCE = 0.05


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _ru(phrase: Any, n: int) -> str:
    """A counted phrase in Russian whatever the interface's language (the documents are Russian)."""
    with translation.override("ru"):
        return str(phrase % {"n": n})


def _block(experts: int, applications: int) -> str:
    return (
        _ru(ngettext_lazy("%(n)s expert", "%(n)s experts", "n"), experts)
        + " × "
        + _ru(ngettext_lazy("%(n)s application", "%(n)s applications", "n"), applications)
    )


def agreement_sentences(c: agreement.Concordance) -> list[str]:
    """Kendall's W in honest words: the p-value and the size of the block decide, not W alone; each
    sentence starts with a capital."""
    if c.w is None:
        return [_capital(c.reason or "коэффициент конкордации Кендалла не определён") + "."]
    m, n = len(c.experts), len(c.applications)
    small = n < SMALL_BLOCK_APPLICATIONS or m < SMALL_BLOCK_EXPERTS
    figures = f"W = {_figure(c.w)}"
    if c.chi2 is not None and c.p_value is not None:
        figures += f" (χ² = {_figure(c.chi2, 2)}, степеней свободы — {c.df}, p = {_figure(c.p_value, 4)})"
    level = agreement.interpret_w(c.w)
    sentences = []
    if c.p_value is not None and c.p_value < SIGNIFICANCE and not small:
        sentences.append(
            f"Коэффициент конкордации Кендалла {figures}: {level}, статистически значимая (p < 0,05)."
        )
    elif c.p_value is not None and c.p_value < SIGNIFICANCE:
        sentences.append(
            f"Коэффициент конкордации Кендалла {figures} формально значим, но рассчитан на малом блоке "
            f"({_block(m, n)}): вывод о согласованности ориентировочный."
        )
    else:
        sentences.append(
            f"Коэффициент конкордации Кендалла {figures} статистически не значим: согласованность оценок "
            "экспертов не подтверждена" + (f" (блок мал: {_block(m, n)})." if small else ".")
        )
    if c.reason:
        sentences.append(_capital(c.reason) + ".")
    return sentences


def _agreement_context(ranking: Ranking) -> dict[str, Any]:
    """The agreement figures of the minutes' annex, in Russian whatever the interface language."""
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
        "w_sentences": agreement_sentences(c),
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


def _of_members(n: int) -> str:
    """«из 7 членов» (the genitive after «из»: «из 21 члена»)."""
    return _ru(ngettext_lazy("of %(n)s member", "of %(n)s members", "n"), n)


def _votes(n: int) -> str:
    return str(n)


def _decision(application: Application, row: Any) -> tuple[str, str]:
    """The commission's word on an application (it recommends; only the authority's order awards) and
    why it does not recommend: below the pass mark, beyond the quota, or its own reasoned decision."""
    if application.awarded:
        return "рекомендовать", ""
    if application.decision_note:
        return "не рекомендовать", "решение комиссии"
    if not row.result.passes_threshold:
        return "не рекомендовать", "ниже проходного балла"
    return "не рекомендовать", "сверх квоты"


def _commission_people(contest: Contest, meeting: Meeting | None) -> dict[str, Any]:
    """The chair and the secretary as signed («И.О. Фамилия») and the members present (all members
    before the meeting is recorded), the chair first."""
    commission = selectors.commission_for(contest)
    if commission is None:
        return {"members": [], "chair": "", "secretary": "", "present": 0, "total": 0}
    everyone = list(
        commission.members.select_related("expert__user", "expert__organization").order_by(
            "expert__user__last_name", "expert__user__first_name", "pk"
        )
    )
    present_ids = {m.pk for m in meeting.present.all()} if meeting is not None else {m.pk for m in everyone}
    members = []
    for member in everyone:
        if member.pk not in present_ids:
            continue
        expert = member.expert
        members.append(
            {
                "name": expert.user.display_name,
                "signature": signature_name(expert.user.display_name),
                "role": "председатель экспертной комиссии" if commission.chair_id == expert.pk else "",
                "where": expert.organization.short_name if expert.organization is not None else "",
            }
        )
    members.sort(key=lambda m: m["role"] == "")
    chair = signature_name(commission.chair.user.display_name) if commission.chair is not None else ""
    secretary = signature_name(commission.secretary.display_name) if commission.secretary is not None else ""
    total = meeting.members_total if meeting is not None else len(everyone)
    return {
        "members": members,
        "chair": chair,
        "secretary": secretary,
        "present": len(members),
        "total": total,
    }


def municipality_rules(contest: Contest) -> list[str]:
    """The own-municipality rules of the expertise as the minutes state them (none when not set)."""
    from .conflicts import other_municipality_required, own_municipality_excluded

    rules = []
    if own_municipality_excluded(contest):
        rules.append("ни один эксперт не оценивает заявки организаций своего муниципального образования")
    if other_municipality_required(contest):
        rules.append("каждую заявку оценивает не менее одного эксперта из другого муниципального образования")
    return rules


def _minutes_row(row: Any, decision: str, written: dict[int, str]) -> dict[str, Any]:
    """One application's line of the ranking in the minutes."""
    application = row.application
    return {
        "rank": application.rank or row.result.rank or "—",
        "number": application.number or "",
        "organization": application.organization.short_name,
        "project": application.project_title,
        "sheets": row.submitted,
        "raw_total": _number(row.raw.total if row.raw else None),
        "calibrated_total": _number(row.calibrated.total if row.calibrated else None),
        "total": _number(application.total if application.total is not None else row.result.total),
        "decision": decision,
        "conclusion": written.get(application.pk, ""),
    }


def _agenda_item(position: int, category: Any, votes: dict[Any, Any]) -> dict[str, Any]:
    """The agenda item of a category: its title and the votes recorded on it ("__" before the meeting)."""
    item = votes.get(category.category.pk if category.category is not None else None)
    if item is None and len(votes) == 1:
        item = next(iter(votes.values()))
    return {
        "position": position,
        "name": category.name or "Общий рейтинг",
        "title": item.title
        if item is not None
        else "Об итогах экспертизы заявок"
        + (f" в категории «{category.name}»" if category.category is not None else ""),
        "quota": category.quota or "",
        "votes_for": _votes(item.votes_for) if item else "__",
        "votes_against": _votes(item.votes_against) if item else "__",
        "votes_abstained": _votes(item.votes_abstained) if item else "__",
    }


def minutes_context(contest: Contest) -> dict[str, Any]:
    """The minutes (ГОСТ Р 7.0.97-2016): the organiser, the kind, date and number, place and title; the
    chair, the secretary, the members present and the quorum; the agenda; per item what was heard, the
    ranking, what was decided and the votes; the signatures; the experts' agreement in the annex."""
    ranking = contest_ranking(contest)
    commission = selectors.commission_for(contest)
    meeting = selectors.meeting_of(commission)
    people = _commission_people(contest, meeting)
    issuer = issuer_for(contest.organiser)
    votes = {item.category_id: item for item in meeting.items.all()} if meeting is not None else {}
    status_name = contest.status_kind.name if contest.status_kind_id else ""  # type: ignore[union-attr]
    categories = []
    winners = []
    overrides = []
    # the commission's consolidated conclusions (итоговые заключения), by application
    written = selectors.conclusions_for_minutes(contest)
    conclusions = []
    for position, category in enumerate(ranking.categories, start=1):
        rows = []
        recommended = []
        not_recommended = []
        for row in category.rows:
            application = row.application
            decision, why = _decision(application, row)
            rows.append(_minutes_row(row, f"{decision} ({why})" if why else decision, written))
            entry = {**_winner(application), "project": quote(application.project_title), "why": why}
            if application.pk in written:
                conclusions.append(
                    {
                        "number": application.number or "",
                        "organization": application.organization.short_name,
                        "project": application.project_title,
                        "text": written[application.pk],
                    }
                )
            if application.awarded:
                winners.append(_winner(application))
                recommended.append(entry)
            else:
                not_recommended.append(entry)
            if application.decision_note:
                overrides.append(
                    {
                        "organization": application.organization.short_name,
                        "decision": decision,
                        "reason": application.decision_note,
                    }
                )
        categories.append(
            {
                **_agenda_item(position, category, votes),
                "rows": rows,
                "recommended": recommended,
                "not_recommended": not_recommended,
            }
        )
    present, total = people["present"], people["total"]
    return {
        "contest_title": contest.title,
        "academic_year": contest.academic_year,
        "organiser": issuer.full_name,
        "place": issuer.place,
        "meeting_place": meeting.place if meeting is not None else "",
        "status_name": status_name,
        "status_genitive": phrase_genitive(status_name[:1].lower() + status_name[1:]) if status_name else "",
        "minutes_number": commission.minutes_number if commission else "",
        "minutes_date": _date(commission.minutes_date) if commission else "",
        "members": people["members"],
        "chair": people["chair"],
        "secretary": people["secretary"],
        "attendance": f"{present} {_of_members(total)} экспертной комиссии",
        "quorum": "кворум имеется" if has_quorum(present, total) else "кворума нет",
        "experts_per_application": contest.experts_per_application,
        "experts_phrase": _ru(
            ngettext_lazy("by %(n)s expert", "by %(n)s experts", "n"), contest.experts_per_application
        ),
        "criteria_phrase": _ru(
            ngettext_lazy("by %(n)s criterion", "by %(n)s criteria", "n"), len(ranking.criteria)
        ),
        "criteria_count": len(ranking.criteria),
        "max_total": _number(ranking.max_total),
        "threshold": _number(ranking.threshold),
        "categories": categories,
        "winners": winners,
        "overrides": overrides,
        # the chair's consolidated conclusions (deliberation), printed after the decisions when given
        "conclusions": conclusions,
        "municipality_rules": municipality_rules(contest),
        **_agreement_context(ranking),
    }


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
        "regulation_subject": regulation_subject(contest.title),
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
        # an inter-municipal contest: the co-organisers, by their education authorities' names
        "coorganisers": ", ".join(issuer_for(m).full_name for m in contest.coorganiser_list()),
        "winners": winners,
    }


def _regulation_paragraphs(contest: Contest) -> list[str]:
    text = (contest.regulation_text or "").strip()
    if not text:
        return ["Положение о конкурсе прилагается к приказу в редакции, утверждённой организатором."]
    return [line.strip() for line in text.splitlines() if line.strip()]


def announcement_context(contest: Contest) -> dict[str, Any]:
    """The order announcing the contest (ГОСТ Р 7.0.97-2016): it holds the contest, approves the regulation
    (annex 1), the commission's membership (annex 2) and the timetable (annex 3). Its date and number are
    those of the journal; until it is registered, «ПРОЕКТ» and blanks."""
    issuer = issuer_for(contest.organiser)
    imc = requisites_for(kind=BodyKind.IMC, municipality=contest.organiser_municipality)
    order = registered_order(contest, OrderPurpose.ANNOUNCEMENT)
    commission = selectors.commission_for(contest)
    members = []
    if commission is not None:
        for member in commission.members.select_related("expert__user", "expert__organization").order_by(
            "expert__user__last_name", "expert__user__first_name", "pk"
        ):
            expert = member.expert
            role = "председатель экспертной комиссии" if commission.chair_id == expert.pk else "член комиссии"
            members.append(
                {
                    "name": expert.user.display_name,
                    "where": expert.organization.short_name if expert.organization is not None else "",
                    "role": role,
                }
            )
        members.sort(key=lambda m: m["role"] != "председатель экспертной комиссии")
        if commission.secretary is not None:
            members.append(
                {
                    "name": commission.secretary.display_name,
                    "where": "",
                    "role": "секретарь (без права голоса)",
                }
            )
    opens = timezone.localtime(contest.opens_at).date()
    closes = timezone.localtime(contest.closes_at).date()
    order_date = _date(order.date) if order else ""
    order_number = str(order.number) if order else ""
    timetable = [
        {
            "stage": "Объявление конкурса, размещение положения на официальном сайте",
            "when": order_date or "—",
        },
        {"stage": "Приём заявок", "when": f"с {_date(opens)} по {_date(closes)}"},
        {"stage": "Экспертиза заявок", "when": f"после {_date(closes)}, до заседания экспертной комиссии"},
        {"stage": "Заседание экспертной комиссии, протокол", "when": "по завершении экспертизы"},
        {"stage": "Приказ об итогах конкурса, размещение на официальном сайте", "when": "после протокола"},
    ]
    return {
        "issuer_name": issuer.full_name,
        "place": issuer.place,
        "order_number": order_number,
        "order_date": order_date,
        "order_cite": cite(order.date, order.number) if order else cite(None, None),
        "order_title": announcement_title(contest.title),
        "contest_title": contest.title,
        "regulation_subject": regulation_subject(contest.title),
        # «Провести муниципальный конкурс на статус …» (accusative of an inanimate noun = nominative)
        "contest_object": contest.title[:1].lower() + contest.title[1:]
        if " конкурс " in f" {contest.title.lower()} "
        else f"конкурс {quote(contest.title)}",
        "academic_year": contest.academic_year,
        "opens_on": _date(opens),
        "closes_on": _date(closes),
        "imc_name": imc.short_name if imc.pk else "МКУ «ИМЦ»",
        "regulation": _regulation_paragraphs(contest),
        "members": members,
        "timetable": timetable,
        "head_position": issuer.head_position,
        "head_signature": issuer.head_signature,
        "preparer_position": issuer.preparer_position,
        "preparer_signature": signature_name(issuer.preparer_name),
        "preparer_name": issuer.preparer_name,
        "preparer_phone": issuer.preparer_phone,
    }


def _points(value: Any) -> str:
    if value is None:
        return ""
    return f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",")


def _sheet_context(sheet: ScoreSheet, criteria: list[Any], scores: dict[int, Any]) -> dict[str, Any]:
    application = sheet.assignment.application
    expert = sheet.assignment.expert
    rows = []
    total = Decimal(0)
    for index, criterion in enumerate(criteria, start=1):
        score = scores.get(criterion.pk)
        points = score.points if score is not None else None
        if points is not None:
            total += points * criterion.weight
        rows.append(
            {
                "number": index,
                "name": criterion.name,
                "levels": "; ".join(criterion.level_lines) or f"от 0 до {_points(criterion.max_points)}",
                "max": _points(criterion.max_points),
                "points": _points(points),
                "comment": score.comment if score is not None else "",
            }
        )
    submitted = sheet.state == ScoreSheet.State.SUBMITTED
    return {
        "kind": "ЭКСПЕРТНОЕ ЗАКЛЮЧЕНИЕ" if submitted else "ЭКСПЕРТНЫЙ ЛИСТ",
        "application_number": application.number or "",
        "project": quote(application.project_title),
        "organization": application.organization.full_name or application.organization.short_name,
        "rows": rows,
        "total": _number(total) if submitted else "",
        "conclusion": sheet.conclusion if submitted else "",
        "expert_name": expert.user.display_name,
        "expert_signature": signature_name(expert.user.display_name),
        "date": _date(timezone.localtime(sheet.submitted_at).date()) if sheet.submitted_at else "",
    }


def conclusions_context(contest: Contest, sheets: list[ScoreSheet]) -> dict[str, Any]:
    """The expert sheets (a draft: the criteria with their levels and blank points) or conclusions (a
    submitted sheet: the points, the comments, the expert's conclusion), each on its own page, signed by
    the expert; cited as an annex of the minutes once they are numbered."""
    criteria = selectors.contest_criteria(contest)
    commission = selectors.commission_for(contest)
    scores: dict[int, dict[int, Any]] = {}
    for score in Score.objects.filter(sheet__in=sheets):
        scores.setdefault(score.sheet_id, {})[score.criterion_id] = score
    minutes = ""
    if commission is not None and commission.minutes_number and commission.minutes_date:
        minutes = cite(commission.minutes_date, commission.minutes_number)
    return {
        "organiser": issuer_for(contest.organiser).full_name,
        "contest_title": contest.title,
        "academic_year": contest.academic_year,
        "max_total": _number(sum((c.max_points * c.weight for c in criteria), Decimal(0))),
        "minutes": minutes,
        "sheets": [_sheet_context(sheet, criteria, scores.get(sheet.pk, {})) for sheet in sheets],
    }


def conclusions_response(
    contest: Contest, sheets: list[ScoreSheet], filename: str, *, pdf: bool = False
) -> FileResponse:
    return _response(
        render(
            "conclusion.docx",
            conclusions_context(contest, sheets),
            municipality=contest.organiser_municipality,
        ),
        filename,
        pdf=pdf,
    )


def render(template: str, context: dict[str, Any], *, municipality: Any = None) -> bytes:
    """Render `template` (a file of `docx/`), or the organising office's own version of it when the
    municipality has uploaded one (`documents.templates_office`)."""
    source = template_source(template.removesuffix(".docx"), municipality) if municipality else None
    document = DocxTemplate(source or str(TEMPLATES / template))
    document.render(context, autoescape=True)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _response(content: bytes, filename: str, *, pdf: bool = False) -> FileResponse:
    """The DOCX as an attachment, or its PDF twin (the same content laid out by WeasyPrint)."""
    if pdf:
        content, filename, mime = docx_pdf(content), filename.removesuffix(".docx") + ".pdf", PDF_MIME
    else:
        mime = DOCX_MIME
    response = FileResponse(io.BytesIO(content), as_attachment=True, filename=filename, content_type=mime)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def minutes_response(contest: Contest, *, pdf: bool = False) -> FileResponse:
    return _response(
        render("minutes.docx", minutes_context(contest), municipality=contest.organiser_municipality),
        f"minutes-contest-{contest.pk}.docx",
        pdf=pdf,
    )


def announcement_response(contest: Contest, *, pdf: bool = False) -> FileResponse:
    return _response(
        render(
            "announcement.docx",
            announcement_context(contest),
            municipality=contest.organiser_municipality,
        ),
        f"announcement-contest-{contest.pk}.docx",
        pdf=pdf,
    )


def order_response(contest: Contest, *, pdf: bool = False) -> FileResponse:
    return _response(
        render("order.docx", order_context(contest), municipality=contest.organiser_municipality),
        f"order-contest-{contest.pk}.docx",
        pdf=pdf,
    )
