"""Writes of appeals: submit one, move it through its workflow, and re-rank the published outcome when an
appeal changes a total.

Re-ranking works on the published outcome (`Application.total`, `rank`, `awarded`), by the rules of
`contests.scoring`: within each category, the higher total first (equal totals keep their published
order), competition ranks, and the proposal — at least the threshold, within the category's quota. An
application the chair decided against the proposal (its `decision_note`) keeps that decision, unless it
is the appealed one. The commission's ranking page (`expertise.ranking`) is cached under a version the
database bumps on every change of an application, so it is recomputed by itself.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from novator.core import audit
from novator.core.dates import add_working_days, ddmmyyyy
from novator.core.files import DOCUMENT_TYPES, check_uploads, store_uploads
from novator.core.services import model_update, require, user_or_none
from novator.core.text import clean_text
from novator.core.workflow import perform

from .. import scoring
from ..models import Application, ApplicationState, Contest, ContestKind, ContestState
from . import notifications
from .models import Appeal, AppealFile
from .workflow import APPEAL_TRANSITIONS

MAX_FILES = 5
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_REASONS = 10_000


def appeal_deadline(contest: Contest) -> datetime.date | None:
    """The last day to appeal: N working days after the day the results were published (None: no appeals
    or not published)."""
    if contest.results_published_at is None or not contest.appeal_working_days:
        return None
    published = timezone.localdate(contest.results_published_at)
    return add_working_days(published, contest.appeal_working_days)


def appeal_refusal(application: Application, *, now: datetime.datetime | None = None) -> str | None:
    """Why this application cannot be appealed now (None: it can). The permission is checked apart."""
    contest = application.contest
    if contest.state != ContestState.PUBLISHED:
        return _("An appeal can be filed only after the results are published.")
    if contest.kind == ContestKind.PROFESSIONAL:
        return _("The results of a professional contest's rounds are not appealed here.")
    if not contest.appeal_working_days:
        return _("This contest does not accept appeals.")
    if application.state != ApplicationState.ACCEPTED or application.total is None:
        return _("Only an application that was scored in the expertise can be appealed.")
    existing = Appeal.objects.filter(application=application).only("submitted_at").first()
    if existing is not None:
        return _(
            "An appeal against this result was already filed on %(date)s; a second one is not accepted."
        ) % {"date": ddmmyyyy(timezone.localdate(existing.submitted_at))}
    deadline = appeal_deadline(contest)
    today = timezone.localdate(now or timezone.now())
    if deadline is not None and today > deadline:
        return _("The period for appeals ended on %(date)s (%(days)d working days after publication).") % {
            "date": ddmmyyyy(deadline),
            "days": contest.appeal_working_days,
        }
    return None


def appeal_submit(
    *,
    actor: Any,
    application: Application,
    reasons: str,
    uploads: Iterable[Any] = (),
    now: datetime.datetime | None = None,
) -> Appeal:
    """The applicant's coordinator appeals against the published result, with reasons and files (each
    checked by its content). Refused with a message, changing nothing: before publication, after the
    period, by someone who did not apply, a second appeal."""
    now = now or timezone.now()
    with transaction.atomic():
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("contest", "organization")
            .get(pk=application.pk)
        )
        require(
            actor,
            "contests.apply",
            application,
            message=_("Only the coordinator of the organisation that applied may appeal against its result."),
        )
        refusal = appeal_refusal(application, now=now)
        if refusal:
            raise ValidationError(refusal, code="appeal_refused")
        reasons = clean_text(reasons, MAX_REASONS + 1)
        errors: dict[str, list[str]] = {}
        if not reasons:
            errors["reasons"] = [_("Say what the appeal is about and why the score is wrong.")]
        elif len(reasons) > MAX_REASONS:
            errors["reasons"] = [_("The reasons are at most %(n)d characters.") % {"n": MAX_REASONS}]
        files, kinds = check_uploads(
            uploads, max_files=MAX_FILES, allowed=DOCUMENT_TYPES, max_bytes=MAX_FILE_BYTES, errors=errors
        )
        if errors:
            raise ValidationError(errors)
        try:
            with transaction.atomic():
                appeal = Appeal.objects.create(
                    application=application,
                    reasons=reasons,
                    submitted_by=user_or_none(actor),
                    submitted_at=now,
                    total_before=application.total,
                )
        except IntegrityError as exc:  # a second appeal sent at the same moment
            raise ValidationError(_("An appeal against this result was already filed.")) from exc
        store_uploads(AppealFile, files, kinds, appeal=appeal)
        audit.record(
            actor=actor,
            action="appeal.submit",
            obj=application,
            changes={"appeal": [None, appeal.pk], "files": [None, [f.name for f in files]]},
        )
        notifications.appeal_submitted(appeal)
    return appeal


def appeal_transition(
    *,
    actor: Any,
    appeal: Appeal,
    name: str,
    reason: str = "",
    total: Any = None,
    now: datetime.datetime | None = None,
) -> Appeal:
    """Take the appeal for review, reject it or uphold it with the new total (`workflow.py`)."""
    return perform(actor, appeal, name, transitions=APPEAL_TRANSITIONS, reason=reason, now=now, total=total)


def apply_upheld(appeal: Appeal, *, actor: Any) -> None:
    """The upheld appeal's total becomes the application's; the published outcome is re-ranked and the
    appeal records whose «awarded» changed (an amending order is then due)."""
    application = Application.objects.select_for_update(of=("self",)).get(pk=appeal.application_id)
    model_update(
        application,
        fields=("total",),
        data={"total": appeal.total_after},
        actor=actor,
        action="application.appeal_total",
    )
    changes = rerank_published(appeal.application.contest, actor=actor, appealed=application.pk)
    appeal.changes = changes
    appeal.awarded_changed = bool(changes)
    appeal.save(update_fields=["changes", "awarded_changed", "updated_at"])


def rerank_published(contest: Contest, *, actor: Any, appealed: int | None = None) -> list[dict[str, Any]]:
    """Re-rank the contest's published outcome by its stored totals (see the module's docstring); write the
    ranks and awards that changed; return the applications whose «awarded» changed."""
    rows = list(
        Application.objects.select_for_update(of=("self",))
        .filter(contest=contest, state=ApplicationState.ACCEPTED, total__isnull=False)
        .select_related("organization", "category")
        .order_by("category_id", "pk")
    )
    threshold = contest.threshold_points
    by_category: dict[int | None, list[Application]] = {}
    for application in rows:
        by_category.setdefault(application.category_id, []).append(application)
    changed: list[dict[str, Any]] = []
    for applications in by_category.values():
        applications.sort(
            key=lambda a: (-(a.total or 0), a.rank if a.rank is not None else 10**9, a.number or 10**9, a.pk)
        )
        ranks = scoring.competition_ranks([a.total for a in applications])
        quota = applications[0].category.quota if applications[0].category is not None else None
        place = 0
        for application, rank in zip(applications, ranks, strict=True):
            passes = application.total is not None and application.total >= threshold
            place += 1 if passes else 0
            proposed = passes and (quota is None or place <= quota)
            keeps_override = bool(application.decision_note) and application.pk != appealed
            awarded = application.awarded if keeps_override else proposed
            was = application.awarded
            model_update(
                application,
                fields=("rank", "awarded"),
                data={"rank": rank, "awarded": awarded},
                actor=actor,
                action="application.appeal_rerank",
            )
            if was != awarded:
                changed.append(
                    {
                        "id": application.pk,
                        "number": application.number,
                        "organization": application.organization.short_name,
                        "awarded": awarded,
                    }
                )
    return changed
