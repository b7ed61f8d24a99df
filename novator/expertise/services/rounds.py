"""Rounds of professional contests: the jury of a round, opening it, recording who advances, and the
final results. The arithmetic is `novator.contests.rounds` (pure functions).

A round is *planned*, then *opened* by the operator (its participants are fixed: the accepted nominees for
the first round, those who advanced from the previous round for the next; every juror gets a scoring sheet
for every participant they are not in conflict with), then *closed* by the operator's advancement, which
records every participant's round score, cumulative score, place and whether they advanced. Closing the
last round writes the distinctions (winner, laureate, participant) to the nominations; the chair (or an
administrator) then confirms the results, and the operator publishes them as for any contest.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from novator.contests import rounds as maths
from novator.contests import scoring
from novator.contests.models import (
    Application,
    ApplicationState,
    Contest,
    ContestKind,
    ContestState,
    Criterion,
    Round,
    RoundEntry,
    RoundState,
)
from novator.contests.services import application_record_outcome, contest_transition
from novator.core import audit
from novator.core.services import require, user_or_none

from ..conflicts import conflict_for
from ..models import Assignment, Commission, Expert, RoundJuror, Score, ScoreSheet
from ._common import require_state


def _lock_round(round: Round) -> Round:
    return Round.objects.select_for_update(of=("self",)).select_related("contest").get(pk=round.pk)


def _check_professional(contest: Contest) -> None:
    if contest.kind != ContestKind.PROFESSIONAL:
        raise ValidationError(_("Only professional contests have rounds."))


@transaction.atomic
def round_juror_add(*, actor: Any, round: Round, expert: Expert) -> RoundJuror:
    """Add an expert to the jury of a round that is not closed (a juror added to an open round gets sheets
    for its participants at once)."""
    round = _lock_round(round)
    require(actor, "expertise.manage_commission", round.contest)
    _check_professional(round.contest)
    if round.state == RoundState.CLOSED:
        raise ValidationError(_("The round is closed: its jury can no longer change."))
    try:
        with transaction.atomic():
            juror = RoundJuror.objects.create(round=round, expert=expert)
    except IntegrityError as exc:
        raise ValidationError(
            _("%(expert)s is already in the jury of this round.") % {"expert": expert}, code="duplicate"
        ) from exc
    if round.state == RoundState.SCORING:
        applications = [e.application for e in round.entries.select_related("application__organization")]
        _assign(actor, round, [expert], applications)
    audit.record(
        actor=actor,
        action="expertise.round_juror_add",
        obj=round.contest,
        changes={str(round): [None, audit.ref(expert)]},
    )
    return juror


@transaction.atomic
def round_juror_remove(*, actor: Any, juror: RoundJuror) -> None:
    """Remove a juror before they have submitted anything in the round."""
    round = _lock_round(juror.round)
    require(actor, "expertise.manage_commission", round.contest)
    if round.state == RoundState.CLOSED:
        raise ValidationError(_("The round is closed: its jury can no longer change."))
    assignments = Assignment.objects.filter(round=round, expert_id=juror.expert_id)
    if ScoreSheet.objects.filter(assignment__in=assignments, state=ScoreSheet.State.SUBMITTED).exists():
        raise ValidationError(_("The juror has already submitted sheets in this round."))
    assignments.delete()
    label = str(juror.expert)
    juror.delete()
    audit.record(
        actor=actor,
        action="expertise.round_juror_remove",
        obj=round.contest,
        changes={str(round): [label, None]},
    )


def _assign(actor: Any, round: Round, experts: list[Expert], applications: list[Application]) -> int:
    created = 0
    for expert in experts:
        for application in applications:
            if conflict_for(expert=expert, application=application) is not None:
                continue
            assignment, new = Assignment.objects.get_or_create(
                application=application,
                expert=expert,
                round=round,
                defaults={"created_by": user_or_none(actor)},
            )
            if new:
                ScoreSheet.objects.create(assignment=assignment)
                created += 1
    return created


def _previous(round: Round) -> Round | None:
    return (
        Round.objects.filter(contest_id=round.contest_id, position__lt=round.position)
        .order_by("-position")
        .first()
    )


@transaction.atomic
def round_open(*, actor: Any, round: Round, now: datetime.datetime | None = None) -> Round:
    """Open a planned round for the jury: fix its participants and give every juror their sheets."""
    round = _lock_round(round)
    contest = round.contest
    require(actor, "contests.manage_contest", contest)
    _check_professional(contest)
    require_state(contest, frozenset({ContestState.EXPERTISE}), _("Rounds are run during the expertise."))
    if round.state != RoundState.PLANNED:
        raise ValidationError(_("The round has already been opened."), code="already_done")
    previous = _previous(round)
    if previous is not None and previous.state != RoundState.CLOSED:
        raise ValidationError(
            _("Record who advances from «%(round)s» first.") % {"round": previous.title}, code="wrong_state"
        )
    if not Criterion.objects.filter(round=round).exists():
        raise ValidationError(_("Add the criteria of the round first."))
    experts = [
        j.expert
        for j in RoundJuror.objects.filter(round=round).select_related("expert__user", "expert__organization")
    ]
    if not experts:
        raise ValidationError(_("Add the jury of the round first."))
    if previous is None:
        applications = list(
            Application.objects.filter(contest=contest, state=ApplicationState.ACCEPTED).select_related(
                "organization"
            )
        )
    else:
        applications = [
            e.application
            for e in RoundEntry.objects.filter(round=previous, advanced=True).select_related(
                "application__organization"
            )
        ]
    if not applications:
        raise ValidationError(_("The round has no participants."))
    RoundEntry.objects.bulk_create([RoundEntry(round=round, application=a) for a in applications])
    _assign(actor, round, experts, applications)
    commission, _created = Commission.objects.get_or_create(contest=contest)
    if commission.assignments_published_at is None:
        commission.assignments_published_at = now or timezone.now()
        commission.save(update_fields=["assignments_published_at", "updated_at"])
    round.state = RoundState.SCORING
    round.opened_at = now or timezone.now()
    round.save(update_fields=["state", "opened_at"])
    audit.record(
        actor=actor,
        action="expertise.round_open",
        obj=contest,
        changes={
            str(round): [RoundState.PLANNED, RoundState.SCORING],
            "participants": [None, len(applications)],
        },
    )
    return round


def round_totals(round: Round) -> dict[int, Decimal | None]:
    """Each participant's round score: the mean weighted total of the submitted sheets of the round."""
    criteria = [
        scoring.CriterionSpec(id=c.pk, position=c.position, max_points=c.max_points, weight=c.weight)
        for c in Criterion.objects.filter(round=round)
    ]
    points: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for score in Score.objects.filter(
        sheet__assignment__round=round, sheet__state=ScoreSheet.State.SUBMITTED
    ).values("sheet_id", "criterion_id", "points"):
        points[score["sheet_id"]][score["criterion_id"]] = score["points"] or Decimal(0)
    sheets: dict[int, list[scoring.SheetScores]] = defaultdict(list)
    for sheet_id, application_id in ScoreSheet.objects.filter(
        assignment__round=round, state=ScoreSheet.State.SUBMITTED
    ).values_list("pk", "assignment__application_id"):
        sheets[application_id].append(scoring.SheetScores(points=points.get(sheet_id, {}), sheet_id=sheet_id))
    return {
        entry.application_id: scoring.application_total(sheets.get(entry.application_id, []), criteria)
        for entry in RoundEntry.objects.filter(round=round)
    }


def round_standings(round: Round) -> dict[int | None, list[maths.Standing]]:
    """The places and advancement the round would record now (used for the preview and the record)."""
    contest = round.contest
    totals = round_totals(round)
    earlier: dict[int, list[Decimal | None]] = defaultdict(list)
    for entry in RoundEntry.objects.filter(
        round__contest=contest, round__position__lt=round.position, application_id__in=list(totals)
    ).order_by("round__position"):
        earlier[entry.application_id].append(entry.total)
    apps = {
        a.pk: a for a in Application.objects.filter(pk__in=list(totals)).only("pk", "category_id", "number")
    }
    entries = [
        maths.EntryScores(
            application_id=app_id,
            nomination_id=apps[app_id].category_id,
            round_total=total,
            earlier=tuple(earlier.get(app_id, ())),
            number=apps[app_id].number,
        )
        for app_id, total in totals.items()
    ]
    return maths.standings(
        entries, formula=contest.score_formula, rule=round.advance_rule, value=round.advance_value
    )


def is_last(round: Round) -> bool:
    return not Round.objects.filter(contest_id=round.contest_id, position__gt=round.position).exists()


@transaction.atomic
def round_advance(*, actor: Any, round: Round, now: datetime.datetime | None = None) -> list[int]:
    """Record the round's scores, places and who advances, and close it (an explicit operator action).
    The last round records the final places and distinctions instead. Returns the ids of those advanced."""
    round = _lock_round(round)
    contest = round.contest
    require(actor, "contests.manage_contest", contest)
    require_state(contest, frozenset({ContestState.EXPERTISE}), _("Rounds are run during the expertise."))
    if round.state == RoundState.CLOSED:
        raise ValidationError(_("The advancement from this round is already recorded."), code="already_done")
    if round.state != RoundState.SCORING:
        raise ValidationError(_("Open the round for the jury first."), code="wrong_state")
    pending = ScoreSheet.objects.filter(assignment__round=round, state=ScoreSheet.State.DRAFT).count()
    if pending:
        raise ValidationError(
            _("%(count)d scoring sheet(s) of the round are not submitted yet.") % {"count": pending},
            code="incomplete",
        )
    table = round_standings(round)
    unscored = [row.application_id for rows in table.values() for row in rows if row.round_total is None]
    if unscored:
        raise ValidationError(
            _("%(count)d participant(s) have no submitted scoring sheet.") % {"count": len(unscored)},
            code="incomplete",
        )
    last = is_last(round)
    entries = {e.application_id: e for e in RoundEntry.objects.filter(round=round)}
    advanced: list[int] = []
    for rows in table.values():
        for row in rows:
            entry = entries[row.application_id]
            entry.total, entry.cumulative, entry.rank = row.round_total, row.cumulative, row.rank
            entry.advanced = None if last else row.advanced
            entry.save(update_fields=["total", "cumulative", "rank", "advanced"])
            if row.advanced and not last:
                advanced.append(row.application_id)
    if last:
        _record_final(actor, contest, table)
    round.state = RoundState.CLOSED
    round.closed_at = now or timezone.now()
    round.closed_by = user_or_none(actor)
    round.save(update_fields=["state", "closed_at", "closed_by"])
    numbers = dict(Application.objects.filter(pk__in=advanced).values_list("pk", "number"))
    audit.record(
        actor=actor,
        action="expertise.round_advance",
        obj=contest,
        changes={
            str(round): [RoundState.SCORING, RoundState.CLOSED],
            "advanced": [None, sorted(numbers.get(pk) or pk for pk in advanced)],
        },
    )
    return advanced


def _record_final(actor: Any, contest: Contest, table: dict[int | None, list[maths.Standing]]) -> None:
    places = maths.distinctions(table, contest.laureates_per_nomination)
    applications = {a.pk: a for a in Application.objects.filter(pk__in=list(places))}
    for rows in table.values():
        for row in rows:
            application = applications[row.application_id]
            kind = places[row.application_id]
            application_record_outcome(
                actor=actor,
                application=application,
                total=row.cumulative,
                rank=row.rank,
                awarded=kind != maths.PARTICIPANT,
            )
            application.distinction = kind
            application.save(update_fields=["distinction", "updated_at"])
    # nominees who did not reach the final round took part: a certificate of participation
    Application.objects.filter(contest=contest, state=ApplicationState.ACCEPTED, distinction="").exclude(
        pk__in=list(places)
    ).filter(round_entries__isnull=False).update(distinction=maths.PARTICIPANT)


@transaction.atomic
def professional_results_confirm(
    *, actor: Any, contest: Contest, now: datetime.datetime | None = None
) -> Contest:
    """The chair (or an administrator) confirms the results once every round is closed."""
    contest = Contest.objects.select_for_update(of=("self",)).get(pk=contest.pk)
    require(actor, "contests.chair_contest", contest)
    _check_professional(contest)
    require_state(
        contest, frozenset({ContestState.EXPERTISE}), _("The results can be confirmed during the expertise.")
    )
    rounds = list(contest.rounds.all())
    if not rounds or any(r.state != RoundState.CLOSED for r in rounds):
        raise ValidationError(
            _("Close every round first: the results follow the last round."), code="incomplete"
        )
    commission, _created = Commission.objects.get_or_create(contest=contest)
    commission.results_confirmed_at = now or timezone.now()
    commission.save(update_fields=["results_confirmed_at", "updated_at"])
    return contest_transition(actor=actor, contest=contest, name="confirm_results", now=now)
