"""The optimal assignment as a proposal: computed in the background, reviewed and trimmed by the chair,
then accepted as assignments (which stay hidden from the experts until the assignments are published).

    proposal = assignment_proposal_start(actor=chair, contest=c)    # a Job and the task, on commit
    proposal_compute(proposal_id=…, progress=…)                       # run by the task
    proposal_row_drop(actor=chair, row=r)                             # the chair leaves a pair out
    proposal_accept(actor=chair, proposal=p)                          # rows → Assignment(source=auto)
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from novator.contests.models import ApplicationState, Contest
from novator.core import audit
from novator.core.jobs import Progress, enqueue_on_commit, job_create
from novator.core.models import Job
from novator.core.services import require, user_or_none

from ..assignment import matching
from ..assignment.solver import Infeasible, greedy, solve
from ..conflicts import conflict_matrix, reason_text
from ..models import Assignment, AssignmentProposal, ConflictDeclaration, ProposalRow
from ._common import ASSIGNING_STATES, commission_of, require_state
from .assignments import _create, _locked_commission, check_can_assign

State = AssignmentProposal.State
#: the steps the job reports
STEPS = 4
#: a queued or running proposal older than this is taken for lost (the worker stopped)
STALE_AFTER = datetime.timedelta(minutes=30)


def _check_assigning(actor: Any, contest: Contest) -> None:
    require(actor, "expertise.manage_assignments", contest)
    require_state(
        contest, ASSIGNING_STATES, _("Assignments can be changed only while the contest is in the expertise.")
    )


@transaction.atomic
def assignment_proposal_start(*, actor: Any, contest: Contest) -> AssignmentProposal:
    """Start computing the optimal assignment of `contest` in the background (a Job shows the progress).

    Earlier proposals that were not accepted are superseded. While one is being computed another is
    refused (a double click starts nothing twice)."""
    _check_assigning(actor, contest)
    commission = _locked_commission(contest)
    busy = AssignmentProposal.objects.filter(contest=contest, state__in=(State.QUEUED, State.RUNNING))
    for proposal in busy.select_related("job"):
        lost = proposal.created_at < timezone.now() - STALE_AFTER or (
            proposal.job is not None and proposal.job.state == Job.State.FAILED
        )
        if not lost:
            raise ValidationError(
                _("An assignment proposal is already being computed; wait for it to finish."), code="busy"
            )
        AssignmentProposal.objects.filter(pk=proposal.pk).update(state=State.FAILED)
    if not commission.members.exists():
        raise ValidationError(_("Add members to the commission first."))
    if not contest.applications.filter(state=ApplicationState.ACCEPTED).exists():
        raise ValidationError(_("No application has passed the formal check yet."))
    AssignmentProposal.objects.filter(
        contest=contest, state__in=(State.READY, State.INFEASIBLE, State.FAILED)
    ).update(state=State.SUPERSEDED)
    job = job_create(
        actor=actor,
        kind="expertise.assignment_proposal",
        title=_("Assignment proposal: %(contest)s") % {"contest": contest.title},
        total=STEPS,
    )
    proposal = AssignmentProposal.objects.create(contest=contest, job=job, created_by=user_or_none(actor))
    audit.record(
        actor=actor,
        action="expertise.proposal_start",
        obj=commission,
        changes={"proposal": [None, proposal.pk]},
    )
    from ..tasks import assignment_proposal_task

    enqueue_on_commit(assignment_proposal_task, proposal.pk, str(job.pk))
    return proposal


def proposal_url(proposal: AssignmentProposal) -> str:
    return reverse("expertise:proposal", args=[proposal.contest_id, proposal.pk])


def proposal_compute(*, proposal_id: int, progress: Progress | None = None) -> AssignmentProposal:
    """Compute a queued proposal: affinity, the optimal assignment, the «why» of each pair.

    Run by the task; safe to run again (a finished proposal is left as it is, rows are replaced)."""

    def step(message: str) -> None:
        if progress is not None:
            progress.step(message=message)
            progress.flush()

    proposal = AssignmentProposal.objects.select_related("contest").get(pk=proposal_id)
    if proposal.state not in (State.QUEUED, State.RUNNING):
        return proposal
    AssignmentProposal.objects.filter(pk=proposal.pk).update(state=State.RUNNING)
    contest = proposal.contest
    try:
        data = matching.load_contest(contest)
        check_can_assign(data)
        step(_("Applications and experts read"))
        model = data.fit()
        step(_("Affinity computed"))
        instance = data.instance(model)
        try:
            result = solve(instance)
        except Infeasible as exc:
            proposal.reasons = data.reason_records(exc.reasons)
            proposal.state = State.INFEASIBLE
            proposal.stats = {"fixed": len(data.fixed)}
            proposal.save(update_fields=["reasons", "state", "stats", "updated_at"])
            step(_("The constraints cannot all be met"))
            return proposal
        step(_("Optimal assignment found"))
        baseline = greedy(instance)
        assert model.matrix is not None
        matrix = model.matrix.tocsr()
        e_index = {e.pk: i for i, e in enumerate(data.experts)}
        a_index = {a.pk: j for j, a in enumerate(data.applications)}
        rows = []
        for expert_id, app_id in data.balance(model, result.added):
            i, j = e_index[expert_id], a_index[app_id]
            why = data.why(model, i, j)
            rows.append(
                ProposalRow(
                    proposal=proposal,
                    application_id=app_id,
                    expert_id=expert_id,
                    affinity=float(matrix[i, j]),
                    terms=[[term, weight] for term, weight in why.terms],
                    topics=why.topics,
                    kind=why.kind,
                )
            )
        fixed_objective = result.objective - sum(r.affinity for r in rows)
        with transaction.atomic():
            ProposalRow.objects.filter(proposal=proposal).delete()
            ProposalRow.objects.bulk_create(rows)
            proposal.objective = sum(r.affinity for r in rows)
            proposal.greedy_objective = baseline.objective - fixed_objective
            proposal.reasons = []
            proposal.stats = {
                "seconds": round(result.seconds, 3),
                "fixed": len(data.fixed),
                "added": len(rows),
                "greedy_complete": baseline.status == "complete",
                "default_max_load": data.default_max_load(),
            }
            proposal.state = State.READY
            proposal.save()
        step(_("Proposal ready"))
    except Exception:
        AssignmentProposal.objects.filter(pk=proposal.pk).update(state=State.FAILED)
        raise
    return proposal


def _check_reviewable(proposal: AssignmentProposal) -> None:
    if proposal.state != State.READY:
        raise ValidationError(
            _("This proposal is %(state)s and can no longer be changed.")
            % {"state": proposal.get_state_display().lower()},
            code="state",
        )


@transaction.atomic
def proposal_row_drop(*, actor: Any, row: ProposalRow) -> None:
    """The chair leaves one proposed pair out (it is not assigned when the proposal is accepted)."""
    proposal = (
        AssignmentProposal.objects.select_for_update(of=("self",))
        .select_related("contest")
        .get(pk=row.proposal_id)
    )
    _check_assigning(actor, proposal.contest)
    _check_reviewable(proposal)
    label = f"{row.expert} → {row.application}"
    row.delete()
    audit.record(
        actor=actor,
        action="expertise.proposal_row_drop",
        obj=commission_of(proposal.contest),
        changes={"proposal": [proposal.pk, proposal.pk], "row": [label, None]},
    )


def _row_errors(contest: Contest, rows: list[ProposalRow]) -> list[str]:
    """What no longer holds since the proposal was computed (a conflict declared, a manual assignment…)."""
    commission = commission_of(contest)
    members = {m.expert_id: m for m in commission.members.all()}
    assignments = list(
        Assignment.objects.filter(application__contest=contest).values_list("application_id", "expert_id")
    )
    pairs = set(assignments)
    per_app: dict[int, int] = defaultdict(int)
    load: dict[int, int] = defaultdict(int)
    for app_id, expert_id in assignments:
        per_app[app_id] += 1
        load[expert_id] += 1
    declared = ConflictDeclaration.objects.filter(application__contest=contest).values_list(
        "application_id", "expert_id"
    )
    applications = {r.application_id: r.application for r in rows}
    experts = {r.expert_id: r.expert for r in rows}
    conflicts = conflict_matrix(
        contest=contest, applications=applications.values(), experts=experts.values(), declared=declared
    )
    errors = []
    for row in rows:
        app, expert = row.application, row.expert
        pair = {"expert": expert, "application": app}
        if app.state != ApplicationState.ACCEPTED or app.contest_id != contest.pk:
            errors.append(_("%(application)s is no longer in the expertise.") % pair)
        elif row.expert_id not in members:
            errors.append(_("%(expert)s is no longer a member of the commission.") % pair)
        elif (row.application_id, row.expert_id) in pairs:
            errors.append(_("%(expert)s is already assigned to %(application)s.") % pair)
        elif (code := conflicts.get((row.application_id, row.expert_id))) is not None:
            errors.append(
                _("%(expert)s cannot score %(application)s: %(reason)s.")
                % {**pair, "reason": reason_text(code)}
            )
        else:
            per_app[row.application_id] += 1
            load[row.expert_id] += 1
            k = contest.experts_for(app.category)
            max_load = members[row.expert_id].max_load
            if per_app[row.application_id] > k:
                errors.append(_("%(application)s would get more than %(k)d experts.") % {**pair, "k": k})
            if max_load is not None and load[row.expert_id] > max_load:
                errors.append(
                    _("%(expert)s would get more than their maximum of %(max)d applications.")
                    % {**pair, "max": max_load}
                )
    return list(dict.fromkeys(errors))


@transaction.atomic
def proposal_accept(*, actor: Any, proposal: AssignmentProposal) -> list[Assignment]:
    """Turn the rows of a ready proposal into assignments (source «auto», with their affinity).

    All or nothing: when something changed since the proposal was computed and a row no longer holds,
    nothing is assigned and the messages say which rows and why (computing it again fixes it)."""
    contest = proposal.contest
    _check_assigning(actor, contest)
    commission = _locked_commission(contest)
    proposal = AssignmentProposal.objects.select_for_update(of=("self",)).get(pk=proposal.pk)
    _check_reviewable(proposal)
    rows = list(
        proposal.rows.select_related(
            "application__organization__municipality",
            "application__category",
            "expert__user",
            "expert__organization",
        ).order_by("application__number", "application_id", "expert_id")
    )
    if not rows:
        raise ValidationError(_("The proposal has no rows left to accept."))
    errors = _row_errors(contest, rows)
    if errors:
        errors.append(_("Nothing was assigned: compute the proposal again."))
        raise ValidationError(errors, code="stale")
    created = [
        _create(
            actor=actor,
            application=row.application,
            expert=row.expert,
            source=Assignment.Source.AUTO,
            commission=commission,
            affinity=row.affinity,
        )
        for row in rows
    ]
    proposal.state = State.ACCEPTED
    proposal.accepted_at = timezone.now()
    proposal.accepted_by = user_or_none(actor)
    proposal.save(update_fields=["state", "accepted_at", "accepted_by", "updated_at"])
    audit.record(
        actor=actor,
        action="expertise.proposal_accept",
        obj=commission,
        changes={"proposal": [proposal.pk, proposal.pk], "added": [None, len(created)]},
    )
    return created


def accepted_message(count: int) -> str:
    return ngettext(
        "%(count)d assignment added from the proposal.",
        "%(count)d assignments added from the proposal.",
        count,
    ) % {"count": count}
