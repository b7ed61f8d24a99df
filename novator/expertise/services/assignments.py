"""Assignments: manual, automatic (balanced, conflict-free) and their publication to the experts."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from novator.contests.models import Application, ApplicationState, Contest, ContestState
from novator.core import audit

from .. import notifications
from ..assignment import (
    ApplicationNeed,
    AssignmentInstance,
    AssignmentProposal,
    ExpertCapacity,
    Shortfall,
    propose_assignments,
)
from ..conflicts import conflict_for, conflict_matrix, reason_text
from ..models import Assignment, Commission, CommissionMember, ConflictDeclaration, Expert, ScoreSheet
from ._common import ASSIGNING_STATES, commission_of, require, require_state, user_or_none


def _locked_commission(contest: Contest) -> Commission:
    commission = commission_of(contest)
    # serialise concurrent changes of one contest's assignments
    Commission.objects.select_for_update().filter(pk=commission.pk).first()
    return commission


def _create(
    *, actor: Any, application: Application, expert: Expert, source: str, commission: Commission
) -> Assignment:
    assignment = Assignment.objects.create(
        application=application, expert=expert, source=source, created_by=user_or_none(actor)
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
        changes={"expert": [None, str(expert)], "source": [None, source]},
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


def assignment_instance(
    contest: Contest, commission: Commission
) -> tuple[AssignmentInstance, dict[int, Any]]:
    """The plain-data instance for `propose_assignments`, and the applications by id (5 queries)."""
    applications = list(
        Application.objects.filter(contest=contest, state=ApplicationState.ACCEPTED)
        .select_related("organization")
        .order_by("number", "pk")
    )
    members = list(commission.members.select_related("expert__organization", "expert__user").order_by("pk"))
    experts = [m.expert for m in members]
    existing = list(
        Assignment.objects.filter(application__contest=contest).values_list("application_id", "expert_id")
    )
    declared = ConflictDeclaration.objects.filter(application__contest=contest).values_list(
        "application_id", "expert_id"
    )
    conflicts = conflict_matrix(
        contest=contest, applications=applications, experts=experts, declared=declared
    )
    load: dict[int, int] = {}
    assigned: dict[int, set[int]] = {}
    for app_id, expert_id in existing:
        load[expert_id] = load.get(expert_id, 0) + 1
        assigned.setdefault(app_id, set()).add(expert_id)
    instance = AssignmentInstance(
        k=contest.experts_per_application,
        applications=tuple(ApplicationNeed(a.pk, frozenset(assigned.get(a.pk, ()))) for a in applications),
        experts=tuple(ExpertCapacity(m.expert_id, load.get(m.expert_id, 0), m.max_load) for m in members),
        conflicts=conflicts,
    )
    return instance, {a.pk: a for a in applications}


def shortfall_message(shortfall: Shortfall, application: Any) -> str:
    parts = []
    for code, count in sorted(shortfall.conflicts.items()):
        parts.append(
            ngettext(
                "%(count)d member is in conflict (%(reason)s)",
                "%(count)d members are in conflict (%(reason)s)",
                count,
            )
            % {"count": count, "reason": reason_text(code)}
        )
    if shortfall.at_max_load:
        parts.append(
            ngettext(
                "%(count)d member has reached the maximum load",
                "%(count)d members have reached the maximum load",
                shortfall.at_max_load,
            )
            % {"count": shortfall.at_max_load}
        )
    if not parts:
        parts.append(_("the commission has no other members"))
    return ngettext(
        "%(application)s lacks %(count)d expert: %(why)s.",
        "%(application)s lacks %(count)d experts: %(why)s.",
        shortfall.missing,
    ) % {"application": application, "count": shortfall.missing, "why": "; ".join(parts)}


@transaction.atomic
def assignments_auto(*, actor: Any, contest: Contest, allow_partial: bool = False) -> AssignmentProposal:
    """Fill the gaps so every accepted application has `contest.experts_per_application` experts.

    Existing (manual) assignments stay. When some applications cannot get enough experts nothing is
    changed and the error names them and why — unless `allow_partial`, which adds what is possible."""
    require(actor, "expertise.manage_assignments", contest)
    require_state(
        contest, ASSIGNING_STATES, _("Assignments can be changed only while the contest is in the expertise.")
    )
    commission = _locked_commission(contest)
    instance, applications = assignment_instance(contest, commission)
    if not instance.applications:
        raise ValidationError(_("No application has passed the formal check yet."))
    if not instance.experts:
        raise ValidationError(_("Add members to the commission first."))
    proposal = propose_assignments(instance)
    if proposal.shortfalls and not allow_partial:
        raise ValidationError(
            [
                ValidationError(shortfall_message(s, applications[s.application_id]), code="shortfall")
                for s in proposal.shortfalls
            ]
        )
    experts = {m.expert_id: m.expert for m in commission.members.select_related("expert__user")}
    for app_id, expert_id in proposal.pairs:
        _create(
            actor=actor,
            application=applications[app_id],
            expert=experts[expert_id],
            source=Assignment.Source.AUTO,
            commission=commission,
        )
    audit.record(
        actor=actor,
        action="expertise.assignments_auto",
        obj=commission,
        changes={
            "added": [None, len(proposal.pairs)],
            "short": [None, [applications[s.application_id].number for s in proposal.shortfalls]],
        },
    )
    return proposal


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
    instance, applications = assignment_instance(contest, commission)
    if not instance.applications:
        raise ValidationError(_("No application has passed the formal check yet."))
    short = [
        (applications[a.id], len(a.assigned)) for a in instance.applications if len(a.assigned) < instance.k
    ]
    if short:
        raise ValidationError(
            [
                _("%(application)s has %(n)d of %(k)d experts.")
                % {"application": app, "n": n, "k": instance.k}
                for app, n in short
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
