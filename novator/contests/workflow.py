"""The contest and application workflows, declared as data and enforced by one service each.

A transition names its source states, its target state, the permission (a django-rules name) that the
actor must hold on the object, and its guards, checks and effects (`checks.py`); `core.workflow.perform`
runs them, called by `contests.services.application_transition` and `contests.services.contest_transition`,
the only places that change `state`. The pages draw their buttons from `core.workflow.allowed`.

Who holds a permission is declared in `contests/rules.py` (organiser, applicant) and
`expertise/rules.py` (the commission's chair).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from novator.accounts.rules import is_admin
from novator.core.workflow import Transition, Transitions, allowed, available, rule

from . import checks
from .models import ApplicationState as A
from .models import ContestState as C
from .rules import checks_application

#: the formal check of an inter-municipal contest: each organiser checks its own municipality's applicants
own_applicant = rule(
    is_admin | checks_application,
    _("This application is checked by the organiser of the applicant's municipality; you see it read-only."),
)

APPLICATION_TRANSITIONS = Transitions(
    A,
    (
        Transition(
            "submit",
            _("Submit"),
            frozenset({A.DRAFT, A.RETURNED}),
            A.SUBMITTED,
            "contests.apply",
            guards=(checks.accepting_applications,),
            checks=(checks.check_window, checks.check_complete, checks.check_nominee),
            effects=(checks.stamp_submitted,),
            notify=checks.notify_application,
        ),
        Transition(
            "withdraw",
            _("Withdraw"),
            frozenset({A.DRAFT, A.SUBMITTED, A.RETURNED}),
            A.WITHDRAWN,
            "contests.apply",
            guards=(checks.accepting_withdrawals,),
            notify=checks.notify_application,
        ),
        Transition(
            "accept",
            _("Accept after the formal check"),
            frozenset({A.SUBMITTED}),
            A.ACCEPTED,
            "contests.check_applications",
            guards=(own_applicant,),
            notify=checks.notify_application,
        ),
        Transition(
            "return",
            _("Return for fixes"),
            frozenset({A.SUBMITTED}),
            A.RETURNED,
            "contests.check_applications",
            needs_reason=True,
            guards=(own_applicant,),
            checks=(checks.check_return_due,),
            effects=(checks.stamp_returned,),
            notify=checks.notify_application,
        ),
        Transition(
            "reject",
            _("Reject as ineligible"),
            frozenset({A.SUBMITTED, A.ACCEPTED}),
            A.REJECTED,
            "contests.check_applications",
            needs_reason=True,
            guards=(own_applicant,),
            effects=(checks.stamp_rejected,),
            notify=checks.notify_application,
        ),
    ),
    action="application.{name}",
    related=("contest", "organization", "applicant"),
)

CONTEST_TRANSITIONS = Transitions(
    C,
    (
        Transition(
            "announce",
            _("Announce"),
            frozenset({C.DRAFT}),
            C.ANNOUNCED,
            "contests.manage_contest",
            checks=(checks.check_ready_to_announce,),
        ),
        Transition(
            "start_expertise",
            _("Close applications and start the expertise"),
            frozenset({C.ANNOUNCED}),
            C.EXPERTISE,
            "contests.manage_contest",
            checks=(checks.check_no_pending_formal_checks,),
        ),
        Transition(
            "confirm_results",
            _("Confirm the results"),
            frozenset({C.EXPERTISE}),
            C.DECIDED,
            "contests.chair_contest",
            checks=(checks.check_results_ready,),
        ),
        Transition(
            "reopen_expertise",
            _("Reopen the expertise"),
            frozenset({C.DECIDED}),
            C.EXPERTISE,
            "contests.chair_contest",
            needs_reason=True,
        ),
        Transition(
            "publish_results",
            _("Publish the results and award the statuses"),
            frozenset({C.DECIDED}),
            C.PUBLISHED,
            "contests.manage_contest",
            checks=(checks.check_order_recorded,),
            effects=(checks.stamp_published,),
            after=(checks.issue_diplomas,),
        ),
    ),
    action="contest.{name}",
)

#: What an irreversible transition will do, asked before it is sent (the button's data-confirm).
CONFIRMATIONS = {
    "submit": _(
        "Submit the application? It goes to the formal check and can no longer be edited, unless it is "
        "returned for fixes."
    ),
    "withdraw": _("Withdraw the application? It will no longer take part in the contest."),
    "reject": _(
        "Reject the application as ineligible? It leaves the contest; the reason is sent to the applicant."
    ),
    "announce": _(
        "Announce the contest? It becomes public, and applications are accepted in the window set; the "
        "criteria, sections and documents can no longer be changed."
    ),
    "start_expertise": _(
        "Close the acceptance of applications and start the expertise? No application can be submitted "
        "any more."
    ),
    "confirm_results": _(
        "Confirm the results? The ranking and the proposals are fixed and go to the organiser for the order; "
        "only the chair can reopen the expertise."
    ),
    "publish_results": _(
        "Publish the results? The ranking becomes public and the statuses are entered in the register under "
        "the order; this cannot be undone."
    ),
}
#: What a transition did, said as a sentence once it is done.
DONE_MESSAGES = {
    "submit": _("The application is submitted."),
    "withdraw": _("The application is withdrawn."),
    "accept": _("The application is accepted after the formal check."),
    "return": _("The application is returned for fixes."),
    "reject": _("The application is rejected as ineligible."),
    "announce": _("The contest is announced."),
    "start_expertise": _("The acceptance of applications is closed; the expertise has started."),
    "confirm_results": _("The results are confirmed."),
    "reopen_expertise": _("The expertise is reopened."),
    "publish_results": _("The results are published and the statuses are awarded."),
}

#: Application states in which the applicant may still edit.
EDITABLE_STATES = frozenset({A.DRAFT, A.RETURNED})
#: Application states that take part in the expertise and the ranking.
IN_EXPERTISE_STATES = frozenset({A.ACCEPTED})

__all__ = [
    "APPLICATION_TRANSITIONS",
    "CONFIRMATIONS",
    "CONTEST_TRANSITIONS",
    "DONE_MESSAGES",
    "EDITABLE_STATES",
    "IN_EXPERTISE_STATES",
    "Transition",
    "allowed",
    "available",
]
