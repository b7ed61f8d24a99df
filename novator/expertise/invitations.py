"""Invitations of experts to a commission, declared as data and performed by `core.workflow.perform`.

An organiser finds an expert in the region's shared pool (usually one of another district) and invites
them to the contest's commission; the invitation is pending until the expert accepts it (they become a
member, with the maximum load the organiser proposed) or declines it, or the organiser withdraws it. Every
move is possible only while the commission may change (the contest's results are not confirmed yet).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from novator.core import audit
from novator.core.workflow import Step, Transition, Transitions

from .models import CommissionMember
from .models import InvitationState as S


def _commission_open(invitation: Any, step: Step) -> None:
    from .services._common import SETUP_STATES

    if invitation.commission.contest.state not in SETUP_STATES:
        raise ValidationError(
            _("The commission can no longer be changed: results are confirmed."), code="wrong_state"
        )


def _stamp_answered(invitation: Any, step: Step) -> None:
    invitation.answered_at = step.now


def _join(invitation: Any, step: Step) -> None:
    """The expert becomes a member (already one — added meanwhile — stays as they are)."""
    member, created = CommissionMember.objects.get_or_create(
        commission=invitation.commission,
        expert=invitation.expert,
        defaults={"max_load": invitation.max_load},
    )
    if created:
        audit.record(
            actor=step.actor,
            action="commission.member_add",
            obj=invitation.commission,
            changes={"member": [None, audit.ref(invitation.expert)], "max_load": [None, member.max_load]},
        )


def _notify(invitation: Any, step: Step) -> None:
    from . import notifications

    notifications.invitation_answered(invitation, step.name)


INVITATION_TRANSITIONS = Transitions(
    S,
    (
        Transition(
            "accept",
            gettext_lazy("Accept"),
            frozenset({S.PENDING}),
            S.ACCEPTED,
            "expertise.answer_invitation",
            style="btn-success",
            guards=(_commission_open,),
            effects=(_stamp_answered,),
            after=(_join,),
            notify=_notify,
        ),
        Transition(
            "decline",
            gettext_lazy("Decline"),
            frozenset({S.PENDING}),
            S.DECLINED,
            "expertise.answer_invitation",
            style="btn-outline-danger",
            effects=(_stamp_answered,),
            notify=_notify,
        ),
        Transition(
            "withdraw",
            gettext_lazy("Withdraw"),
            frozenset({S.PENDING}),
            S.WITHDRAWN,
            "expertise.manage_commission",
            style="btn-outline-danger",
            effects=(_stamp_answered,),
            notify=_notify,
        ),
    ),
    action="commission_invitation.{name}",
    related=("commission__contest", "expert__user"),
    denied=gettext_lazy(
        "Only the invited expert answers this invitation, and only the contest's organisers withdraw it."
    ),
)
