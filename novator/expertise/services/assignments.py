"""Assignments: manual, automatic (optimal, conflict-free) and their publication to the experts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from novator.contests.models import Application, ApplicationState, Contest, ContestState
from novator.core import audit
from novator.core.services import require, user_or_none

from .. import notifications
from ..assignment import matching, reasons
from ..assignment.solver import Infeasible, greedy, solve
from ..conflicts import conflict_for, reason_text
from ..models import Assignment, Commission, CommissionMember, Expert, ScoreSheet
from ._common import ASSIGNING_STATES, commission_of, require_state

#: the reason code of a pair `avoid` forbids (a late expert's application taken away from them)
LATE = "late"


def _locked_commission(contest: Contest) -> Commission:
    commission = commission_of(contest)
    # serialise concurrent changes of one contest's assignments
    Commission.objects.select_for_update(of=("self",)).filter(pk=commission.pk).first()
    return commission


def _create(
    *,
    actor: Any,
    application: Application,
    expert: Expert,
    source: str,
    commission: Commission,
    affinity: float | None = None,
) -> Assignment:
    assignment = Assignment.objects.create(
        application=application,
        expert=expert,
        source=source,
        affinity=affinity,
        created_by=user_or_none(actor),
    )
    ScoreSheet.objects.create(assignment=assignment)
    if commission.assignments_published_at is not None:
        notifications.assignments_published(application.contest, [assignment])
    return assignment


@transaction.atomic
def assignment_add(
    *,
    actor: Any,
    application: Application,
    expert: Expert,
    source: str = Assignment.Source.MANUAL,
) -> Assignment:
    contest = application.contest
    require(actor, "expertise.manage_assignments", contest)
    require_state(
        contest, ASSIGNING_STATES, _("Assignments can be changed only while the contest is in the expertise.")
    )
    commission = _locked_commission(contest)
    if application.state != ApplicationState.ACCEPTED:
        raise ValidationError(_("Only applications that passed the formal check are sent to experts."))
    member = CommissionMember.objects.filter(commission=commission, expert=expert).first()
    if member is None:
        raise ValidationError(
            {"expert": _("%(expert)s is not a member of the commission.") % {"expert": expert}}
        )
    if Assignment.objects.filter(application=application, expert=expert).exists():
        raise ValidationError(
            _("%(expert)s is already assigned to %(application)s.")
            % {"expert": expert, "application": application}
        )
    code = conflict_for(expert=expert, application=application)
    if code:
        raise ValidationError(
            _("%(expert)s cannot score %(application)s: %(reason)s.")
            % {"expert": expert, "application": application, "reason": reason_text(code)},
            code="conflict",
        )
    if member.max_load is not None:
        load = Assignment.objects.filter(application__contest=contest, expert=expert).count()
        if load >= member.max_load:
            raise ValidationError(
                _("%(expert)s has reached the maximum of %(max)d application(s); raise it first.")
                % {"expert": expert, "max": member.max_load},
                code="max_load",
            )
    assignment = _create(
        actor=actor, application=application, expert=expert, source=source, commission=commission
    )
    audit.record(
        actor=actor,
        action="expertise.assignment_add",
        obj=application,
        changes={"expert": [None, audit.ref(expert)], "source": [None, source]},
    )
    return assignment


def sheet_untouched(sheet: ScoreSheet | None) -> bool:
    """A sheet nobody has saved yet."""
    return sheet is None or (sheet.state == ScoreSheet.State.DRAFT and sheet.version <= 1)


@transaction.atomic
def assignment_remove(*, actor: Any, assignment: Assignment) -> None:
    application = assignment.application
    contest = application.contest
    require(actor, "expertise.manage_assignments", contest)
    require_state(
        contest, ASSIGNING_STATES, _("Assignments can be changed only while the contest is in the expertise.")
    )
    commission = _locked_commission(contest)
    sheet = ScoreSheet.objects.filter(assignment=assignment).first()
    if commission.assignments_published_at is not None and not sheet_untouched(sheet):
        raise ValidationError(
            _("%(expert)s has already started scoring %(application)s; the assignment cannot be removed.")
            % {"expert": assignment.expert, "application": application},
            code="started",
        )
    expert = str(assignment.expert)
    assignment.delete()
    audit.record(
        actor=actor, action="expertise.assignment_remove", obj=application, changes={"expert": [expert, None]}
    )


@dataclass
class AutoAssignment:
    """What `assignments_auto` did: the new assignments, and why some applications stay short."""

    added: list[Assignment] = field(default_factory=list)
    #: translated reasons (only when `allow_partial` let an impossible instance be filled partly)
    reasons: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.reasons


def check_can_assign(data: matching.ContestData) -> None:
    if not data.applications:
        raise ValidationError(_("No application has passed the formal check yet."))
    if not data.members:
        raise ValidationError(_("Add members to the commission first."))


@transaction.atomic
def assignments_auto(
    *,
    actor: Any,
    contest: Contest,
    allow_partial: bool = False,
    avoid: Iterable[tuple[int, int]] = (),
) -> AutoAssignment:
    """Fill the gaps at once with the optimal assignment (maximum total affinity, see `matching.py`).

    Existing assignments stay. When the constraints cannot all be met nothing is changed and the error
    says which and by how much — unless `allow_partial`, which adds what the greedy baseline can
    (conflicts, k and maximum loads still hold) and returns the reasons. Large contests use the
    proposal computed in the background instead (`assignment_proposal_start`). `avoid`: (application id,
    expert id) pairs not to make (a late expert's applications taken away from them)."""
    require(actor, "expertise.manage_assignments", contest)
    require_state(
        contest, ASSIGNING_STATES, _("Assignments can be changed only while the contest is in the expertise.")
    )
    commission = _locked_commission(contest)
    data = matching.load_contest(contest)
    check_can_assign(data)
    for pair in avoid:
        data.conflicts.setdefault(pair, LATE)
    model = data.fit()
    instance = data.instance(model)
    result = AutoAssignment()
    try:
        pairs = data.balance(model, solve(instance).added)
    except Infeasible as exc:
        texts = [reasons.text(r) for r in data.reason_records(exc.reasons)]
        if not allow_partial:
            raise ValidationError(
                [ValidationError(t, code="infeasible") for t in texts], code="infeasible"
            ) from exc
        pairs = greedy(instance).added
        result.reasons = texts
    assert model.matrix is not None
    matrix = model.matrix.tocsr()
    e_index = {e.pk: i for i, e in enumerate(data.experts)}
    a_index = {a.pk: j for j, a in enumerate(data.applications)}
    applications = {a.pk: a for a in data.applications}
    experts = {e.pk: e for e in data.experts}
    for expert_id, app_id in pairs:
        result.added.append(
            _create(
                actor=actor,
                application=applications[app_id],
                expert=experts[expert_id],
                source=Assignment.Source.AUTO,
                commission=commission,
                affinity=float(matrix[e_index[expert_id], a_index[app_id]]),
            )
        )
    audit.record(
        actor=actor,
        action="expertise.assignments_auto",
        obj=commission,
        changes={"added": [None, len(pairs)], "complete": [None, result.complete]},
    )
    return result


def missing_experts(contest: Contest) -> list[tuple[Application, int, int]]:
    """Accepted applications with fewer experts than they need: (application, have, need)."""
    applications = list(
        Application.objects.filter(contest=contest, state=ApplicationState.ACCEPTED)
        .select_related("organization", "category")
        .annotate(assigned=Count("assignments"))
        .order_by("number", "pk")
    )
    return [
        (a, a.assigned, contest.experts_for(a.category))
        for a in applications
        if a.assigned < contest.experts_for(a.category)
    ]


@transaction.atomic
def assignments_publish(*, actor: Any, contest: Contest) -> Commission:
    """Show the assignments to the experts and tell them by e-mail."""
    require(actor, "expertise.manage_assignments", contest)
    require_state(
        contest,
        frozenset({ContestState.EXPERTISE}),
        _("Assignments are published once the contest is in the expertise."),
    )
    commission = _locked_commission(contest)
    commission.refresh_from_db()
    if commission.assignments_published_at is not None:
        raise ValidationError(_("The assignments have already been published."))
    if not Application.objects.filter(contest=contest, state=ApplicationState.ACCEPTED).exists():
        raise ValidationError(_("No application has passed the formal check yet."))
    short = missing_experts(contest)
    if short:
        raise ValidationError(
            [
                _("%(application)s has %(n)d of %(k)d experts.") % {"application": app, "n": n, "k": k}
                for app, n, k in short
            ],
            code="incomplete",
        )
    commission.assignments_published_at = timezone.now()
    commission.save(update_fields=["assignments_published_at", "updated_at"])
    assignments = list(
        Assignment.objects.filter(application__contest=contest)
        .select_related("expert__user", "application__organization")
        .order_by("expert_id", "application__number")
    )
    audit.record(
        actor=actor,
        action="expertise.assignments_publish",
        obj=commission,
        changes={"assignments": [None, len(assignments)]},
    )
    notifications.assignments_published(contest, assignments)
    return commission
