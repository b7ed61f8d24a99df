"""The documents of appeals, rendered from the DOCX templates in `docx/` (built by
`docx/build_appeal_templates.py`): the minutes of one appeal's review, and the draft order amending the
results order once upheld appeals changed who is awarded."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from django.utils import timezone

from novator.contests.appeals.models import Appeal, AppealState
from novator.contests.appeals.services import appeal_deadline
from novator.contests.models import Application, Contest
from novator.core.docx_build import cite, date_text, quote
from novator.core.names import phrase_genitive
from novator.documents.selectors import issuer_for as _issuer_for

from . import selectors
from .documents import _commission_people, _number, _response, render


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def appeal_minutes_context(appeal: Appeal) -> dict[str, Any]:
    application = appeal.application
    contest = application.contest
    people = _commission_people(contest, None)
    chair, secretary = people["chair"], people["secretary"]
    issuer = _issuer_for(contest.organiser)
    upheld = appeal.state == AppealState.UPHELD
    return {
        "organiser": issuer.full_name,
        "contest_title": contest.title,
        "academic_year": contest.academic_year,
        "place": issuer.place,
        "decided_date": date_text(timezone.localdate(appeal.decided_at)) if appeal.decided_at else "",
        "organization": application.organization.full_name or application.organization.short_name,
        "number": application.number or "",
        "project": quote(application.project_title),
        "submitted_date": date_text(timezone.localdate(appeal.submitted_at)),
        "deadline": date_text(appeal_deadline(contest)),
        "total_before": _number(appeal.total_before),
        "total_after": _number(appeal.total_after),
        "rank_before": "",
        "rank": application.rank or "" if upheld else "",
        "direction": "повысить" if appeal.outcome == "raised" else "понизить",
        "reasons": _lines(appeal.reasons),
        "files": [f.original_name for f in appeal.files.all()],
        "upheld": upheld,
        "rejected": appeal.state == AppealState.REJECTED,
        "justification": _lines(appeal.justification),
        "changes": [
            {
                "organization": change.get("organization", ""),
                "decision": "рекомендовать" if change.get("awarded") else "не рекомендовать",
            }
            for change in appeal.changes or []
        ],
        "chair": chair,
        "secretary": secretary,
    }


def amending_order_context(contest: Contest) -> dict[str, Any]:
    """The applications whose «awarded» upheld appeals changed, as they stand now."""
    changed: dict[int, bool] = {}
    for appeal in Appeal.objects.filter(application__contest=contest, awarded_changed=True).order_by(
        "decided_at", "pk"
    ):
        for change in appeal.changes or []:
            changed[int(change["id"])] = bool(change["awarded"])
    applications = {
        a.pk: a for a in Application.objects.filter(pk__in=list(changed)).select_related("organization")
    }
    added: list[dict[str, str]] = []
    removed: list[dict[str, str]] = []
    for pk in changed:
        application = applications.get(pk)
        if application is None:
            continue
        row = {
            "full_name": application.organization.full_name or application.organization.short_name,
            "project": quote(application.project_title),
        }
        (added if application.awarded else removed).append(row)
    issuer = _issuer_for(contest.organiser)
    kind = contest.status_kind
    status_name = kind.name if kind else ""
    award_verb = (
        f"присвоен статус {phrase_genitive(status_name[:1].lower() + status_name[1:])}"
        if status_name
        else "присуждено звание победителя конкурса"
    )
    commission = selectors.commission_for(contest)
    return {
        "issuer_name": issuer.full_name,
        "place": issuer.place,
        "contest_title": contest.title,
        "results_order_cite": cite(contest.order_date, contest.order_number),
        "minutes_cite": cite(
            commission.minutes_date if commission else None, commission.minutes_number if commission else None
        ),
        "award_verb": award_verb,
        "added": added,
        "removed": removed,
        "removed_item": 2 if added else 1,
        "control_item": 1 + bool(added) + bool(removed),
        "head_position": issuer.head_position,
        "head_signature": issuer.head_signature,
        "preparer_name": issuer.preparer_name,
        "preparer_phone": issuer.preparer_phone,
    }


def appeal_minutes_response(appeal: Appeal) -> FileResponse:
    return _response(
        render("appeal_minutes.docx", appeal_minutes_context(appeal)), f"appeal-{appeal.pk}-minutes.docx"
    )


def amending_order_response(contest: Contest) -> FileResponse:
    return _response(
        render("amending_order.docx", amending_order_context(contest)),
        f"amending-order-contest-{contest.pk}.docx",
    )
