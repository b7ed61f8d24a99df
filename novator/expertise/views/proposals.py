"""The optimal assignment as a proposal: start it (a background job), review it, drop rows, accept it.

Only the organiser and the chair (`expertise.manage_assignments`) reach these pages; the experts never
see a proposal, and accepted rows stay hidden from them until the assignments are published.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from novator.contests.models import Contest, ContestState

from .. import selectors, services
from ..assignment import reasons
from ..models import AssignmentProposal, ProposalRow
from ..services.proposals import accepted_message
from ._common import error_messages, get_contest

PAGE = "expertise:commission"


def _proposal(contest: Contest, proposal_pk: int) -> AssignmentProposal:
    return get_object_or_404(
        AssignmentProposal.objects.select_related("contest", "job", "created_by", "accepted_by"),
        pk=proposal_pk,
        contest=contest,
    )


@login_required
@require_POST
def assignment_propose(request: HttpRequest, pk: int) -> HttpResponse:
    contest = get_contest(request, pk, "expertise.manage_assignments")
    try:
        proposal = services.assignment_proposal_start(actor=request.user, contest=contest)
    except ValidationError as exc:
        error_messages(request, exc)
        return redirect(PAGE, pk=contest.pk)
    if proposal.job_id is None:  # pragma: no cover - the service always creates the job
        return redirect("expertise:proposal", pk=contest.pk, proposal_pk=proposal.pk)
    return redirect("core:job_detail", pk=proposal.job_id)


@login_required
def proposal(request: HttpRequest, pk: int, proposal_pk: int) -> HttpResponse:
    contest = get_contest(request, pk, "expertise.manage_assignments")
    item = _proposal(contest, proposal_pk)
    groups = selectors.proposal_detail(item) if item.state != AssignmentProposal.State.INFEASIBLE else []
    ratio = None
    if item.objective is not None and item.greedy_objective:
        ratio = item.objective / item.greedy_objective
    editable = item.state == AssignmentProposal.State.READY and contest.state in (
        ContestState.ANNOUNCED,
        ContestState.EXPERTISE,
    )
    return render(
        request,
        "expertise/proposal.html",
        {
            "contest": contest,
            "proposal": item,
            "groups": groups,
            "rows": sum(len(g.rows) for g in groups),
            "reasons": [reasons.text(r) for r in item.reasons],
            "ratio": ratio,
            "editable": editable,
            "latest": selectors.latest_proposal(contest),
        },
    )


@login_required
@require_POST
def proposal_row_drop(request: HttpRequest, pk: int, proposal_pk: int, row_pk: int) -> HttpResponse:
    contest = get_contest(request, pk, "expertise.manage_assignments")
    row = get_object_or_404(
        ProposalRow.objects.select_related("application__organization", "expert__user"),
        pk=row_pk,
        proposal_id=proposal_pk,
        proposal__contest=contest,
    )
    try:
        services.proposal_row_drop(actor=request.user, row=row)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(
            request,
            _("%(expert)s → %(application)s is left out of the proposal.")
            % {"expert": row.expert, "application": row.application},
        )
    return redirect("expertise:proposal", pk=contest.pk, proposal_pk=proposal_pk)


@login_required
@require_POST
def proposal_accept(request: HttpRequest, pk: int, proposal_pk: int) -> HttpResponse:
    contest = get_contest(request, pk, "expertise.manage_assignments")
    item = _proposal(contest, proposal_pk)
    try:
        created = services.proposal_accept(actor=request.user, proposal=item)
    except ValidationError as exc:
        error_messages(request, exc)
        return redirect("expertise:proposal", pk=contest.pk, proposal_pk=item.pk)
    messages.success(request, accepted_message(len(created)))
    if contest.commission.assignments_published_at is None:
        messages.info(request, _("The experts see their applications once the assignments are published."))
    return redirect(PAGE, pk=contest.pk)
