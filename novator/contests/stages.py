"""The contest's stages as its pages show them (issue #22: «the next step is always visible»).

set-up → applications → formal check → expertise → results → order → published: which one the contest is
at (from its state, its window and, during the expertise, the sheets), and the next action for the person
looking (organiser, chair or secretary, coordinator, anyone else). The contest page and the commission page
draw the same guide.

`contests` does not import `expertise`: the expertise app registers in `EXPERTISE_PROGRESS` a function that
reads the progress of the scoring (see `expertise/apps.py`).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from novator.core.dates import ddmmyyyy

from .models import ApplicationState, Contest, ContestState

STAGES: tuple[tuple[str, str | Promise], ...] = (
    ("setup", pgettext_lazy("contest stage", "Set-up")),
    ("applications", pgettext_lazy("contest stage", "Applications")),
    ("formal_check", pgettext_lazy("contest stage", "Formal check")),
    ("expertise", pgettext_lazy("contest stage", "Expertise")),
    ("results", pgettext_lazy("contest stage", "Results")),
    ("order", pgettext_lazy("contest stage", "Order")),
    ("published", pgettext_lazy("contest stage", "Published")),
)


@dataclass(frozen=True)
class ExpertiseProgress:
    """How far the scoring is: sheets assigned and submitted, whether the experts see their sheets, and
    who chairs and who is the secretary (user ids)."""

    assigned: int = 0
    submitted: int = 0
    published: bool = False
    chair_user_id: int | None = None
    secretary_user_id: int | None = None

    @property
    def complete(self) -> bool:
        return self.published and self.assigned > 0 and self.submitted >= self.assigned


#: Functions `contest -> ExpertiseProgress | None`, registered by the expertise app.
EXPERTISE_PROGRESS: list[Callable[[Contest], ExpertiseProgress | None]] = []


def expertise_progress(contest: Contest) -> ExpertiseProgress:
    for provider in EXPERTISE_PROGRESS:
        progress = provider(contest)
        if progress is not None:
            return progress
    return ExpertiseProgress()


@dataclass(frozen=True)
class Step:
    key: str
    label: str | Promise
    status: str  # "done", "current" or "todo"


@dataclass
class Guide:
    current: str
    steps: list[Step]
    #: what the stage is, in a sentence («Приём заявок закрылся 05.02.2027»)
    summary: str
    #: what the person looking does next; "" when it is not theirs to act
    action: str = ""
    #: the page where they do it
    action_url: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def phase_label(contest: Contest, now: datetime.datetime | None = None) -> str:
    """The contest's state in the words of its window: an announced contest says whether its applications
    are yet to open, open or closed, never just «Объявлен» after its deadline."""
    if contest.state != ContestState.ANNOUNCED:
        return str(contest.get_state_display())
    moment = now or timezone.now()
    if moment < contest.opens_at:
        return _("Applications open on %(day)s") % {"day": ddmmyyyy(timezone.localtime(contest.opens_at))}
    if moment < contest.closes_at:
        return _("Accepting applications")
    return _("Applications closed")


def _current(contest: Contest, now: datetime.datetime, progress: ExpertiseProgress) -> str:
    state = contest.state
    if state == ContestState.DRAFT:
        return "setup"
    if state == ContestState.ANNOUNCED:
        return "applications" if now < contest.closes_at else "formal_check"
    if state == ContestState.EXPERTISE:
        return "results" if progress.complete else "expertise"
    if state == ContestState.DECIDED:
        return "order"
    return "published"


def contest_guide(
    contest: Contest,
    *,
    user: Any,
    now: datetime.datetime | None = None,
    pending_checks: int | None = None,
    own_application: Any = None,
    progress: ExpertiseProgress | None = None,
) -> Guide:
    """The guide of `contest` for `user`. `pending_checks`: submitted applications awaiting the formal
    check (counted when not given); `own_application`: the coordinator's application, if any;
    `progress`: the scoring's progress when the page has read it already (else it is read)."""
    from django.urls import reverse

    moment = now or timezone.now()
    if progress is None:
        progress = (
            expertise_progress(contest)
            if contest.state in (ContestState.EXPERTISE, ContestState.DECIDED)
            else ExpertiseProgress()
        )
    current = _current(contest, moment, progress)
    keys = [k for k, _label in STAGES]
    index = keys.index(current)
    steps = [
        Step(key, label, "done" if i < index else "current" if i == index else "todo")
        for i, (key, label) in enumerate(STAGES)
    ]
    manager = bool(user and user.is_authenticated and user.has_perm("contests.manage_contest", contest))
    # (the chair and the secretary from what the progress has read: no permission queries)
    chair = bool(user and user.is_authenticated and progress.chair_user_id == user.pk)
    secretary = bool(user and user.is_authenticated and progress.secretary_user_id == user.pk)
    opens = ddmmyyyy(timezone.localtime(contest.opens_at))
    closes = ddmmyyyy(timezone.localtime(contest.closes_at))
    guide = Guide(current=current, steps=steps, summary="")
    detail = contest.get_absolute_url()
    commission = reverse("expertise:commission", args=[contest.pk])
    ranking = reverse("expertise:ranking", args=[contest.pk])

    if current == "setup":
        guide.summary = _("The contest is being set up; nobody but its organiser sees it.")
        if manager:
            guide.action = _(
                "Set the criteria, the sections of the application and the documents, then announce the "
                "contest."
            )
            guide.action_url = detail
    elif current == "applications":
        if moment < contest.opens_at:
            guide.summary = _("Applications will be accepted from %(opens)s to %(closes)s.") % {
                "opens": opens,
                "closes": closes,
            }
        else:
            guide.summary = _("Applications are accepted until %(closes)s.") % {"closes": closes}
        if manager:
            guide.action = _(
                "Check the submitted applications as they come: accept them or return them for fixes."
            )
            guide.action_url = reverse("contests:applications", args=[contest.pk])
        elif own_application is not None and own_application.state in (
            ApplicationState.DRAFT,
            ApplicationState.RETURNED,
        ):
            guide.action = _("Fill in your application and submit it by %(closes)s.") % {"closes": closes}
            guide.action_url = own_application.get_absolute_url()
    elif current == "formal_check":
        guide.summary = _("Applications closed on %(closes)s.") % {"closes": closes}
        if manager:
            if pending_checks is None:
                pending_checks = contest.applications.filter(state=ApplicationState.SUBMITTED).count()
            if pending_checks:
                guide.action = _(
                    "Applications closed on %(closes)s — finish the formal check (%(n)d waiting), then close "
                    "the acceptance and start the expertise."
                ) % {"closes": closes, "n": pending_checks}
                guide.action_url = reverse("contests:applications", args=[contest.pk]) + "?state=submitted"
            else:
                guide.action = _(
                    "Applications closed on %(closes)s — close the acceptance and start the expertise."
                ) % {"closes": closes}
                guide.action_url = detail
    elif current == "expertise":
        if progress.published:
            guide.summary = _("The experts are scoring: %(submitted)d of %(assigned)d sheets submitted.") % {
                "submitted": progress.submitted,
                "assigned": progress.assigned,
            }
        else:
            guide.summary = _("The commission assigns the experts; they see nothing until it is published.")
        if manager and not progress.published:
            guide.action = _("Form the commission, assign the experts and publish the assignments.")
            guide.action_url = commission
        elif (manager or chair or secretary) and progress.published:
            guide.action = _("Follow the sheets; when all are submitted the chair confirms the results.")
            guide.action_url = commission
    elif current == "results":
        guide.summary = _(
            "All %(n)d sheets are submitted; the ranking waits for the chair's confirmation."
        ) % {"n": progress.submitted}
        if chair:
            guide.action = _("Check the ranking and confirm the results with the minutes' number and date.")
            guide.action_url = ranking
        elif manager or secretary:
            guide.action = _("The chair confirms the results on the ranking page.")
            guide.action_url = ranking
    elif current == "order":
        guide.summary = _("The results are confirmed by the commission.")
        if manager:
            if contest.order_number:
                guide.action = _("The order № %(n)s is recorded — publish the results.") % {
                    "n": contest.order_number
                }
            else:
                guide.action = _("Record the number and date of the order on the results, then publish them.")
            guide.action_url = detail
    else:
        when = contest.results_published_at
        guide.summary = (
            _("The results were published on %(day)s.") % {"day": ddmmyyyy(timezone.localtime(when))}
            if when
            else _("The results are published.")
        )
    return guide
