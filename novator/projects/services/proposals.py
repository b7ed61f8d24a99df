"""Proposals that follow reports: revoke or extend the status, close the project. The methodologist
confirms (the status register is changed through its own services) or dismisses them."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from novator.core import audit
from novator.core.services import require, user_or_none
from novator.core.text import clean_text
from novator.statuses import services as status_services

from ..models import InnovationProject, ProjectProposal, ProjectReport, ProposalKind, ProposalState


@transaction.atomic
def proposal_create(
    *,
    actor: Any,
    project: InnovationProject,
    kind: str,
    grounds: str,
    report: ProjectReport | None = None,
    proposed_ends_on: datetime.date | None = None,
) -> ProjectProposal:
    """Propose once: an open proposal of the same kind for the project is returned as it is."""
    existing = ProjectProposal.objects.filter(project=project, kind=kind, state=ProposalState.OPEN).first()
    if existing is not None:
        return existing
    grounds = clean_text(grounds, 5000)
    if not grounds:
        raise ValidationError({"grounds": _("Give the grounds.")})
    proposal = ProjectProposal.objects.create(
        project=project,
        report=report,
        kind=kind,
        grounds=grounds,
        proposed_ends_on=proposed_ends_on,
        created_by=user_or_none(actor),
    )
    audit.record(
        actor=actor,
        action=f"proposal.{kind}",
        obj=project,
        changes={"proposal": [None, proposal.get_kind_display()], "grounds": [None, grounds]},
    )
    return proposal


def _locked(proposal: ProjectProposal) -> ProjectProposal:
    return (
        ProjectProposal.objects.select_for_update(of=("self",))
        .select_related(
            "project",
            "project__organization",
            "project__organization__municipality",
            "project__status_assignment",
        )
        .get(pk=proposal.pk)
    )


@transaction.atomic
def proposal_confirm(
    *,
    actor: Any,
    proposal: ProjectProposal,
    order_number: str = "",
    order_date: datetime.date | None = None,
    on: datetime.date | None = None,
    new_ends_on: datetime.date | None = None,
    note: str = "",
) -> ProjectProposal:
    """Carry the proposal out: revoke the status with the proposal's grounds, extend it, or close the
    project; the reports' schedule follows the new term."""
    from .reports import report_schedule_sync

    proposal = _locked(proposal)
    project = proposal.project
    require(actor, "projects.decide_proposal", project)
    if proposal.state != ProposalState.OPEN:
        raise ValidationError(_("This proposal has already been decided."))
    note = clean_text(note, 5000)
    order_number = clean_text(order_number, 50)
    today = timezone.localdate()
    status = project.status_assignment
    if proposal.kind in (ProposalKind.REVOKE, ProposalKind.EXTEND) and status is None:
        raise ValidationError(_("The project is not carried out under a status."))
    if proposal.kind == ProposalKind.REVOKE:
        assert status is not None
        grounds = proposal.grounds + (f"\n{note}" if note else "")
        status_services.status_revoke(
            actor=actor,
            assignment=status,
            on=on or today,
            grounds=grounds,
            order_number=order_number,
            order_date=order_date,
        )
        project.closed_on = on or today
        project.closure_note = grounds
        project.save(update_fields=["closed_on", "closure_note", "updated_at"])
    elif proposal.kind == ProposalKind.EXTEND:
        assert status is not None
        new_ends_on = new_ends_on or proposal.proposed_ends_on
        if new_ends_on is None:
            raise ValidationError({"new_ends_on": _("Give the new end of the status.")})
        if order_date is None:
            raise ValidationError({"order_date": _("Give the date of the order.")})
        status_services.status_extend(
            actor=actor,
            assignment=status,
            new_ends_on=new_ends_on,
            order_number=order_number,
            order_date=order_date,
            grounds=proposal.grounds,
        )
        project.ends_on = max(project.ends_on, new_ends_on)
        project.save(update_fields=["ends_on", "updated_at"])
        proposal.proposed_ends_on = new_ends_on
    else:
        project.closed_on = on or today
        project.closure_note = proposal.grounds + (f"\n{note}" if note else "")
        project.save(update_fields=["closed_on", "closure_note", "updated_at"])
    proposal.state = ProposalState.CONFIRMED
    proposal.decided_at = timezone.now()
    proposal.decided_by = user_or_none(actor)
    proposal.decision_note = note
    proposal.order_number = order_number
    proposal.order_date = order_date
    proposal.save()
    audit.record(
        actor=actor,
        action=f"proposal.confirm_{proposal.kind}",
        obj=project,
        changes={
            "proposal": [ProposalState.OPEN.value, ProposalState.CONFIRMED.value],
            "order_number": [None, order_number],
        },
    )
    if proposal.kind != ProposalKind.CLOSE:
        report_schedule_sync(actor=actor, project=project)
    return proposal


@transaction.atomic
def proposal_dismiss(*, actor: Any, proposal: ProjectProposal, note: str) -> ProjectProposal:
    proposal = _locked(proposal)
    require(actor, "projects.decide_proposal", proposal.project)
    if proposal.state != ProposalState.OPEN:
        raise ValidationError(_("This proposal has already been decided."))
    note = clean_text(note, 5000)
    if not note:
        raise ValidationError({"note": _("Say why the proposal is dismissed.")})
    proposal.state = ProposalState.DISMISSED
    proposal.decided_at = timezone.now()
    proposal.decided_by = user_or_none(actor)
    proposal.decision_note = note
    proposal.save()
    audit.record(
        actor=actor,
        action="proposal.dismiss",
        obj=proposal.project,
        changes={"proposal": [proposal.get_kind_display(), None], "note": [None, note]},
    )
    return proposal
