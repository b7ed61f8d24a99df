"""The region's shared pool of experts: inviting an expert (of any district) to a commission, and the
answer (the workflow is `expertise/invitations.py`)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from novator.core import audit
from novator.core.services import require, user_or_none
from novator.core.workflow import perform

from .. import notifications
from ..invitations import INVITATION_TRANSITIONS
from ..models import Commission, CommissionInvitation, Expert, InvitationState
from ._common import SETUP_STATES, require_state
from .commission import _check_max_load

MESSAGE_MAX = 2000


def _already(commission: Commission, expert: Expert) -> str | None:
    """Why `expert` cannot be invited to `commission` again, or None."""
    if commission.members.filter(expert=expert).exists():
        return _("%(expert)s is already a member of this commission.") % {"expert": expert}
    if commission.invitations.filter(expert=expert, state=InvitationState.PENDING).exists():
        return _("%(expert)s has already been invited to this commission and has not answered yet.") % {
            "expert": expert
        }
    return None


def commission_invite(
    *,
    actor: Any,
    commission: Commission,
    expert: Expert,
    max_load: int | None = None,
    message: str = "",
) -> CommissionInvitation:
    """Invite an expert of the region's pool to the commission; they accept or decline. Twice (a pending
    invitation, or a member already) is refused with a message and changes nothing."""
    require(actor, "expertise.manage_commission", commission.contest)
    require_state(
        commission.contest, SETUP_STATES, _("The commission can no longer be changed: results are confirmed.")
    )
    _check_max_load(max_load)
    message = (message or "").strip()
    if len(message) > MESSAGE_MAX:
        raise ValidationError(
            {"message": _("The message is at most %(max)d characters.") % {"max": MESSAGE_MAX}}
        )
    with transaction.atomic():
        Commission.objects.select_for_update(of=("self",)).get(pk=commission.pk)
        problem = _already(commission, expert)
        if problem:
            raise ValidationError({"expert": problem}, code="already_invited")
        try:
            with transaction.atomic():
                invitation = CommissionInvitation.objects.create(
                    commission=commission,
                    expert=expert,
                    max_load=max_load,
                    message=message,
                    invited_by=user_or_none(actor),
                )
        except IntegrityError as exc:  # a concurrent invitation past the check
            raise ValidationError(
                {"expert": _("%(expert)s has already been invited to this commission.") % {"expert": expert}}
            ) from exc
        audit.record(
            actor=actor,
            action="commission_invitation.create",
            obj=invitation,
            changes={"expert": [None, audit.ref(expert)], "max_load": [None, max_load]},
        )
        notifications.expert_invited(invitation)
    return invitation


def invitation_answer(*, actor: Any, invitation: CommissionInvitation, action: str) -> CommissionInvitation:
    """`accept` / `decline` (the invited expert) or `withdraw` (the organiser). Anyone else is refused
    first, whatever they ask."""
    if actor is not None and not (
        actor.has_perm("expertise.answer_invitation", invitation)
        or actor.has_perm("expertise.manage_commission", invitation)
    ):
        raise PermissionDenied(INVITATION_TRANSITIONS.denied)
    if action not in INVITATION_TRANSITIONS:
        raise ValidationError(_("Unknown action «%(name)s».") % {"name": action})
    result: CommissionInvitation = perform(actor, invitation, action, transitions=INVITATION_TRANSITIONS)
    return result
