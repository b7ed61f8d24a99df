"""The commission's decision: confirm the ranking (with overrides), reopen, and award on publication."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from novator.contests.models import Application, Contest, ContestKind, ContestState
from novator.contests.services import application_record_outcome, contest_transition
from novator.core import audit
from novator.core.academic_year import AcademicYear
from novator.core.services import require
from novator.statuses.models import StatusAssignment
from novator.statuses.services import status_award

from .. import notifications
from ..ranking import Ranking, contest_ranking
from ._common import commission_of, require_state


@dataclass(frozen=True)
class Override:
    """The chair's decision against the proposal for one application; the reason is recorded."""

    awarded: bool
    reason: str = ""


def reason_field(application_id: int) -> str:
    return f"reason_{application_id}"


def _overrides(raw: Mapping[Any, Any] | None, ranking: Ranking) -> tuple[dict[int, Override], dict]:
    rows = {r.application.pk: r for r in ranking.rows}
    result: dict[int, Override] = {}
    errors: dict[str, list[str]] = {}
    for key, value in (raw or {}).items():
        try:
            app_id = int(key)
        except (TypeError, ValueError):
            app_id = -1
        row = rows.get(app_id)
        if row is None:
            errors.setdefault("__all__", []).append(
                _("Application %(id)s is not in the ranking.") % {"id": key}
            )
            continue
        if isinstance(value, Override):
            override = value
        elif isinstance(value, Mapping) and isinstance(value.get("awarded"), bool):
            reason = value.get("reason") or ""
            override = Override(awarded=value["awarded"], reason=reason if isinstance(reason, str) else "")
        else:
            errors.setdefault("__all__", []).append(
                _("The decision for %(app)s must say whether it is awarded.") % {"app": row.application}
            )
            continue
        if override.awarded == row.result.proposed:
            continue  # agrees with the proposal: nothing to override
        reason = override.reason.strip()
        if not reason:
            errors.setdefault(reason_field(app_id), []).append(
                _("Give the reason for changing the proposal for %(app)s.") % {"app": row.application}
            )
            continue
        result[app_id] = Override(awarded=override.awarded, reason=reason)
    return result, errors


@transaction.atomic
def results_confirm(
    *,
    actor: Any,
    contest: Contest,
    overrides: Mapping[Any, Any] | None = None,
    minutes_number: str = "",
    minutes_date: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> Ranking:
    """The chair confirms the proposed ranking, overriding single outcomes with a reason; the outcomes are
    written to the applications and the contest moves to «results confirmed»."""
    contest = Contest.objects.select_for_update(of=("self",)).get(pk=contest.pk)
    require(actor, "contests.chair_contest", contest)
    require_state(
        contest, frozenset({ContestState.EXPERTISE}), _("The results can be confirmed during the expertise.")
    )
    if contest.kind == ContestKind.PROFESSIONAL:
        raise ValidationError(_("A professional contest's results follow its rounds: close the last round."))
    commission = commission_of(contest)
    ranking = contest_ranking(contest)
    if not ranking.rows:
        raise ValidationError(_("There is no application to rank."))
    problems = []
    if ranking.pending:
        problems.append(_("%(count)d scoring sheet(s) are not submitted yet.") % {"count": ranking.pending})
    for application in ranking.without_sheets:
        problems.append(_("%(app)s has no submitted scoring sheet.") % {"app": application})
    if problems:
        raise ValidationError(problems, code="incomplete")
    minutes_number = (minutes_number or "").strip()
    if not minutes_number or minutes_date is None:  # no document prints «№ ____»
        missing = {}
        if not minutes_number:
            missing["minutes_number"] = [_("Enter the number of the commission's minutes.")]
        if minutes_date is None:
            missing["minutes_date"] = [_("Enter the date of the commission's minutes.")]
        raise ValidationError(missing)
    if len(minutes_number) > 50:
        raise ValidationError({"minutes_number": _("The number is at most 50 characters.")})
    decided, errors = _overrides(overrides, ranking)
    if errors:
        raise ValidationError(errors)
    winners = []
    for row in ranking.rows:
        override = decided.get(row.application.pk)
        awarded = override.awarded if override else row.result.proposed
        if awarded:
            winners.append(row.application.number)
        application_record_outcome(
            actor=actor,
            application=row.application,
            total=row.result.total,
            rank=row.result.rank,
            awarded=awarded,
            note=override.reason if override else "",
        )
    commission.results_confirmed_at = now or timezone.now()
    commission.minutes_number = minutes_number
    commission.minutes_date = minutes_date
    commission.save(update_fields=["results_confirmed_at", "minutes_number", "minutes_date", "updated_at"])
    audit.record(
        actor=actor,
        action="expertise.results_confirm",
        obj=commission,
        changes={
            "winners": [None, winners],
            "overrides": [
                None,
                {str(k): {"awarded": v.awarded, "reason": v.reason} for k, v in decided.items()},
            ],
        },
    )
    contest_transition(actor=actor, contest=contest, name="confirm_results", now=now)
    return ranking


@transaction.atomic
def results_reopen(*, actor: Any, contest: Contest, reason: str) -> Contest:
    """The chair takes the confirmed results back to the expertise (the reason is recorded)."""
    contest = contest_transition(actor=actor, contest=contest, name="reopen_expertise", reason=reason)
    commission = commission_of(contest)
    commission.results_confirmed_at = None
    commission.save(update_fields=["results_confirmed_at", "updated_at"])
    return contest


def status_start(contest: Contest) -> datetime.date:
    """The first day of an awarded status: the order's date, or 1 September of the contest's academic
    year when that is later."""
    start = AcademicYear.parse(contest.academic_year).starts
    if contest.order_date and contest.order_date > start:
        return contest.order_date
    return start


@transaction.atomic
def results_award_statuses(*, contest: Contest) -> list[StatusAssignment]:
    """Award the contest's status to every awarded application that has none yet (safe to run again)."""
    if contest.kind != ContestKind.STATUS or contest.status_kind_id is None:
        return []
    awarded = []
    starts_on = status_start(contest)
    for application in (
        Application.objects.filter(contest=contest, awarded=True, status_assignment__isnull=True)
        .select_related("organization")
        .order_by("number", "pk")
    ):
        status = status_award(
            actor=None,
            organization=application.organization,
            kind=contest.status_kind,  # type: ignore[arg-type]
            starts_on=starts_on,
            years=contest.status_term_years,
            order_number=contest.order_number,
            order_date=contest.order_date,
            project_title=application.project_title,
            is_demo=application.is_demo,
        )
        application.status_assignment = status
        application.save(update_fields=["status_assignment", "updated_at"])
        notifications.status_awarded(application, status)
        awarded.append(status)
    return awarded


def on_contest_transition(*, actor: Any, contest: Contest, transition: str, reason: str = "") -> None:
    """Registered in `contests.services.CONTEST_TRANSITION_HOOKS` by the app config."""
    if transition != "publish_results":
        return
    results_award_statuses(contest=contest)
    applications = (
        Application.objects.filter(contest=contest)
        .exclude(total__isnull=True)
        .select_related("organization")
        .order_by("number", "pk")
    )
    notifications.results_published(contest, applications)
