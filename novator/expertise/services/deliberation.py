"""The commission deliberates: the discussion of an application, the spread rule before the results are
confirmed, and the chair's consolidated conclusion (итоговое заключение экспертной комиссии).

- `discussion_comment_add`: an assigned expert whose own sheet is submitted, or the chair, writes in the
  application's discussion (rule `expertise.discuss`); the other participants are notified.
- `spread_undiscussed` / `check_spread_discussed`: an application whose experts' totals differ by more
  than the contest's spread threshold must have a comment written after its last sheet, or the chair's
  recorded reason why it was not discussed, before the results are confirmed. The check is registered on
  the contest's «confirm the results» transition (`contests.checks.RESULTS_CHECKS`).
- `no_discussion_record`, `conclusion_save`: the chair's records (rule `expertise.conclude`).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from novator.contests.models import Application, Contest, ContestKind, ContestState
from novator.core import audit
from novator.core.services import require, user_or_none
from novator.core.workflow import Step

from .. import notifications
from ..conflicts import conflict_for
from ..models import (
    COMMISSION_CONCLUSION_MAX,
    DISCUSSION_COMMENT_MAX,
    Assignment,
    Deliberation,
    DiscussionComment,
    ScoreSheet,
)

REASON_MAX = 2000


def _text(value: Any, *, field: str, empty: str, limit: int) -> str:
    text = (value if isinstance(value, str) else "").strip()
    if not text:
        raise ValidationError({field: empty}, code="empty")
    if len(text) > limit:
        raise ValidationError(
            {field: _("At most %(max)d characters (now %(n)d).") % {"max": limit, "n": len(text)}},
            code="too_long",
        )
    return text


def discussion_participants(application: Application) -> list[Any]:
    """The users who read the discussion: the chair and the assigned experts with a submitted sheet,
    none of them in conflict with the application."""
    experts = [
        a.expert
        for a in Assignment.objects.filter(application=application, sheet__state=ScoreSheet.State.SUBMITTED)
        .select_related("expert__user", "expert__organization")
        .order_by("pk")
    ]
    commission = getattr(application.contest, "commission", None)
    if commission is not None and commission.chair_id is not None:
        experts.append(commission.chair)
    users: dict[int, Any] = {}
    for expert in experts:
        if expert.user_id not in users and conflict_for(expert=expert, application=application) is None:
            users[expert.user_id] = expert.user
    return list(users.values())


@transaction.atomic
def discussion_comment_add(
    *, actor: Any, application: Application, text: str, now: datetime.datetime | None = None
) -> DiscussionComment:
    require(actor, "expertise.discuss", application)
    if application.contest.state != ContestState.EXPERTISE:
        raise ValidationError(_("The discussion is open only during the expertise."), code="wrong_state")
    text = _text(text, field="text", empty=_("Write the comment."), limit=DISCUSSION_COMMENT_MAX)
    comment = DiscussionComment.objects.create(
        application=application, author=user_or_none(actor), text=text, created_at=now or timezone.now()
    )
    audit.record(
        actor=actor,
        action="expertise.discussion_comment",
        obj=application,
        changes={"comment": [None, comment.pk]},
    )
    others = [u for u in discussion_participants(application) if u.pk != getattr(actor, "pk", None)]
    notifications.discussion_comment(application, comment, others)
    return comment


def _deliberation(application: Application) -> Deliberation:
    deliberation, _created = Deliberation.objects.select_for_update().get_or_create(application=application)
    return deliberation


@transaction.atomic
def no_discussion_record(*, actor: Any, application: Application, reason: str) -> Deliberation:
    """The chair records why a disputed application was not discussed (an empty reason clears it)."""
    require(actor, "expertise.conclude", application)
    if application.contest.state != ContestState.EXPERTISE:
        raise ValidationError(_("This can be recorded only during the expertise."), code="wrong_state")
    reason = (reason if isinstance(reason, str) else "").strip()
    if len(reason) > REASON_MAX:
        raise ValidationError(
            {"reason": _("At most %(max)d characters (now %(n)d).") % {"max": REASON_MAX, "n": len(reason)}}
        )
    deliberation = _deliberation(application)
    before = deliberation.no_discussion_reason
    if reason == before:
        return deliberation
    deliberation.no_discussion_reason = reason
    deliberation.no_discussion_by = user_or_none(actor) if reason else None
    deliberation.no_discussion_at = timezone.now() if reason else None
    deliberation.save()
    audit.record(
        actor=actor,
        action="expertise.no_discussion",
        obj=application,
        changes={"no_discussion_reason": [before or None, reason or None]},
    )
    return deliberation


@transaction.atomic
def conclusion_save(*, actor: Any, application: Application, text: str) -> Deliberation:
    """The chair writes (or rewrites) the commission's consolidated conclusion on the application; it can
    change until the results are published, when the applicant reads it."""
    require(actor, "expertise.conclude", application)
    if application.contest.state not in (ContestState.EXPERTISE, ContestState.DECIDED):
        raise ValidationError(
            _("The consolidated conclusion can be written until the results are published."),
            code="wrong_state",
        )
    text = _text(text, field="conclusion", empty=_("Write the conclusion."), limit=COMMISSION_CONCLUSION_MAX)
    deliberation = _deliberation(application)
    before = deliberation.conclusion
    if text == before:
        return deliberation
    deliberation.conclusion = text
    deliberation.conclusion_by = user_or_none(actor)
    deliberation.conclusion_at = timezone.now()
    deliberation.save()
    audit.record(
        actor=actor,
        action="expertise.conclusion",
        obj=application,
        changes={"conclusion": [before or None, text]},
    )
    return deliberation


def spread_undiscussed(contest: Contest) -> list[Application]:
    """The applications whose spread is flagged, with no comment after their last submitted sheet and no
    recorded reason why they were not discussed (by number)."""
    from ..ranking import contest_ranking

    if contest.kind == ContestKind.PROFESSIONAL:
        return []
    ranking = contest_ranking(contest)
    flagged = {
        r.application.pk: r.application for r in ranking.rows if r.spread is not None and r.spread.flagged
    }
    if not flagged:
        return []
    last_sheet = dict(
        ScoreSheet.objects.filter(assignment__application_id__in=flagged, state=ScoreSheet.State.SUBMITTED)
        .values("assignment__application_id")
        .annotate(last=Max("submitted_at"))
        .values_list("assignment__application_id", "last")
    )
    last_comment = dict(
        DiscussionComment.objects.filter(application_id__in=flagged)
        .values("application_id")
        .annotate(last=Max("created_at"))
        .values_list("application_id", "last")
    )
    waived = set(
        Deliberation.objects.filter(application_id__in=flagged)
        .exclude(no_discussion_reason="")
        .values_list("application_id", flat=True)
    )
    result = []
    for pk, application in flagged.items():
        if pk in waived:
            continue
        comment, sheet = last_comment.get(pk), last_sheet.get(pk)
        if comment is not None and (sheet is None or comment > sheet):
            continue
        result.append(application)
    return sorted(result, key=lambda a: (a.number or 0, a.pk))


def check_spread_discussed(contest: Contest, step: Step) -> None:
    """A check of the «confirm the results» transition: every disputed application is discussed or the
    chair recorded why not."""
    missing = spread_undiscussed(contest)
    if missing:
        raise ValidationError(
            _(
                "The experts' scores of %(apps)s differ by more than %(percent)d %% of the maximum: discuss "
                "them (a comment after the last sheet) or record why not, then confirm the results."
            )
            % {"apps": ", ".join(str(a) for a in missing), "percent": contest.spread_threshold_percent},
            code="undiscussed",
        )
