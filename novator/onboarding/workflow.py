"""The invitation and join-request workflows, declared as data (`core.workflow.Transition`) and enforced by
one service each (`services.invitation_transition`, `services.join_request_decide`).

An invitation is pending until the invitee accepts it, its inviter (or someone who could have sent it)
revokes it, or its term runs out; a pending or expired invitation can be sent again, with a new link and a
new term. Accepting is allowed to whoever holds the link: the link is the permission.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from novator.core.workflow import Transition

from .models import InvitationState as I
from .models import JoinRequestState as J

INVITATION_TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition("accept", _("Accept"), frozenset({I.PENDING}), I.ACCEPTED, "onboarding.accept_invitation"),
        Transition(
            "resend",
            _("Send again"),
            frozenset({I.PENDING, I.EXPIRED}),
            I.PENDING,
            "onboarding.manage_invitation",
        ),
        Transition(
            "revoke",
            _("Revoke"),
            frozenset({I.PENDING, I.EXPIRED}),
            I.REVOKED,
            "onboarding.manage_invitation",
            style="btn-outline-danger",
        ),
    )
}

JOIN_REQUEST_TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            "approve",
            _("Approve"),
            frozenset({J.PENDING}),
            J.APPROVED,
            "onboarding.decide_join_request",
            style="btn-outline-success",
        ),
        Transition(
            "decline",
            _("Decline"),
            frozenset({J.PENDING}),
            J.DECLINED,
            "onboarding.decide_join_request",
            style="btn-outline-danger",
        ),
    )
}
