"""The invitation and join-request workflows, declared as data and performed by `core.workflow.perform`.

An invitation is pending until the invitee accepts it, its inviter (or someone who could have sent it)
revokes it, or its term runs out (a pending invitation past `expires_at` reads as expired; it is stored as
expired when a new invitation to the address replaces it). A pending or expired invitation can be sent
again, with a new link and a new term. Accepting is allowed to whoever holds the link: the link is the
permission (`services.invitation_accept` checks it first).

Sending again checks that the address is still free, makes a new key and term, and sends the e-mail (on
commit); the services it needs are imported when the hook runs (they import this table).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from novator.core.workflow import Step, Transition, Transitions

from .models import InvitationState as I
from .models import JoinRequestState as J


def _stamp_accepted(invitation: Any, step: Step) -> None:
    invitation.accepted_at = step.now
    invitation.user = step.params["user"]


def _address_free(invitation: Any, step: Step) -> None:
    from .services import check_address_free

    check_address_free(invitation.email, exclude=invitation.pk)


def _new_link(invitation: Any, step: Step) -> None:
    """A new key (the old link stops working) and a new term; the key goes to the e-mail."""
    from .services import invitation_days, new_link_token

    step.params["link_token"], invitation.token_hash = new_link_token()
    invitation.sent_at = step.now
    invitation.expires_at = step.now + datetime.timedelta(days=invitation_days())


def _send(invitation: Any, step: Step) -> None:
    from .services import send_invitation

    send_invitation(invitation, step.params["link_token"])


def _stamp_revoked(invitation: Any, step: Step) -> None:
    invitation.revoked_at = step.now


def _stamp_decided(join_request: Any, step: Step) -> None:
    join_request.decided_by = step.actor
    join_request.decided_at = step.now
    join_request.reason = step.reason[:2000]


INVITATION_TRANSITIONS = Transitions(
    I,
    (
        Transition(
            "accept",
            _("Accept"),
            frozenset({I.PENDING}),
            I.ACCEPTED,
            "onboarding.accept_invitation",
            effects=(_stamp_accepted,),
        ),
        Transition(
            "resend",
            _("Send again"),
            frozenset({I.PENDING, I.EXPIRED}),
            I.PENDING,
            "onboarding.manage_invitation",
            checks=(_address_free,),
            effects=(_new_link,),
            notify=_send,
        ),
        Transition(
            "revoke",
            _("Revoke"),
            frozenset({I.PENDING, I.EXPIRED}),
            I.REVOKED,
            "onboarding.manage_invitation",
            style="btn-outline-danger",
            effects=(_stamp_revoked,),
        ),
    ),
    action="invitation.{name}",
    related=("organization", "municipality", "invited_by"),
)

JOIN_REQUEST_TRANSITIONS = Transitions(
    J,
    (
        Transition(
            "approve",
            _("Approve"),
            frozenset({J.PENDING}),
            J.APPROVED,
            "onboarding.decide_join_request",
            style="btn-outline-success",
            effects=(_stamp_decided,),
        ),
        Transition(
            "decline",
            _("Decline"),
            frozenset({J.PENDING}),
            J.DECLINED,
            "onboarding.decide_join_request",
            style="btn-outline-danger",
            effects=(_stamp_decided,),
        ),
    ),
    action="join_request.{name}",
    related=("user", "organization"),
)
