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


@dataclass
class _Look:
    """Who is looking at which contest, and when (what every stage's text needs)."""

    contest: Contest
    moment: datetime.datetime
    progress: ExpertiseProgress
    manager: bool
    chair: bool
    secretary: bool
    pending_checks: int | None
    own_application: Any

    @property
    def opens(self) -> str:
        return ddmmyyyy(timezone.localtime(self.contest.opens_at))

    @property
    def closes(self) -> str:
        return ddmmyyyy(timezone.localtime(self.contest.closes_at))

    @property
    def detail(self) -> str:
        return self.contest.get_absolute_url()

    def url(self, name: str, query: str = "") -> str:
        from django.urls import reverse

        return reverse(name, args=[self.contest.pk]) + query


def _setup(guide: Guide, look: _Look) -> None:
    guide.summary = _("The contest is being set up; nobody but its organiser sees it.")
    if look.manager:
        guide.action = _(
            "Set the criteria, the sections of the application and the documents, then announce the contest."
        )
        guide.action_url = look.detail


def _applications(guide: Guide, look: _Look) -> None:
    if look.moment < look.contest.opens_at:
        guide.summary = _("Applications will be accepted from %(opens)s to %(closes)s.") % {
            "opens": look.opens,
            "closes": look.closes,
        }
    else:
        guide.summary = _("Applications are accepted until %(closes)s.") % {"closes": look.closes}
    own = look.own_application
    if look.manager:
        guide.action = _(
            "Check the submitted applications as they come: accept them or return them for fixes."
        )
        guide.action_url = look.url("contests:applications")
    elif own is not None and own.state in (ApplicationState.DRAFT, ApplicationState.RETURNED):
        guide.action = _("Fill in your application and submit it by %(closes)s.") % {"closes": look.closes}
        guide.action_url = own.get_absolute_url()


def _formal_check(guide: Guide, look: _Look) -> None:
    guide.summary = _("Applications closed on %(closes)s.") % {"closes": look.closes}
    if not look.manager:
        return
    pending = look.pending_checks
    if pending is None:
        pending = look.contest.applications.filter(state=ApplicationState.SUBMITTED).count()
    if pending:
        guide.action = _(
            "Applications closed on %(closes)s — finish the formal check (%(n)d waiting), then close "
            "the acceptance and start the expertise."
        ) % {"closes": look.closes, "n": pending}
        guide.action_url = look.url("contests:applications", "?state=submitted")
    else:
        guide.action = _(
            "Applications closed on %(closes)s — close the acceptance and start the expertise."
        ) % {"closes": look.closes}
        guide.action_url = look.detail


def _expertise(guide: Guide, look: _Look) -> None:
    progress = look.progress
    if progress.published:
        guide.summary = _("The experts are scoring: %(submitted)d of %(assigned)d sheets submitted.") % {
            "submitted": progress.submitted,
            "assigned": progress.assigned,
        }
    else:
        guide.summary = _("The commission assigns the experts; they see nothing until it is published.")
    if look.manager and not progress.published:
        guide.action = _("Form the commission, assign the experts and publish the assignments.")
        guide.action_url = look.url("expertise:commission")
    elif (look.manager or look.chair or look.secretary) and progress.published:
        guide.action = _("Follow the sheets; when all are submitted the chair confirms the results.")
        guide.action_url = look.url("expertise:commission")


def _results(guide: Guide, look: _Look) -> None:
    guide.summary = _("All %(n)d sheets are submitted; the ranking waits for the chair's confirmation.") % {
        "n": look.progress.submitted
    }
    if look.chair:
        guide.action = _("Check the ranking and confirm the results with the minutes' number and date.")
        guide.action_url = look.url("expertise:ranking")
    elif look.manager or look.secretary:
        guide.action = _("The chair confirms the results on the ranking page.")
        guide.action_url = look.url("expertise:ranking")


def _order(guide: Guide, look: _Look) -> None:
    guide.summary = _("The results are confirmed by the commission.")
    if not look.manager:
        return
    if look.contest.order_number:
        guide.action = _("The order № %(n)s is recorded — publish the results.") % {
            "n": look.contest.order_number
        }
    else:
        guide.action = _("Record the number and date of the order on the results, then publish them.")
    guide.action_url = look.detail


def _published(guide: Guide, look: _Look) -> None:
    when = look.contest.results_published_at
    guide.summary = (
        _("The results were published on %(day)s.") % {"day": ddmmyyyy(timezone.localtime(when))}
        if when
        else _("The results are published.")
    )


#: what each stage says, and the next action for the person looking
_STAGE_TEXT = {
    "setup": _setup,
    "applications": _applications,
    "formal_check": _formal_check,
    "expertise": _expertise,
    "results": _results,
    "order": _order,
    "published": _published,
}


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
    signed_in = bool(user and user.is_authenticated)
    look = _Look(
        contest=contest,
        moment=moment,
        progress=progress,
        manager=signed_in and user.has_perm("contests.manage_contest", contest),
        # (the chair and the secretary from what the progress has read: no permission queries)
        chair=signed_in and progress.chair_user_id == user.pk,
        secretary=signed_in and progress.secretary_user_id == user.pk,
        pending_checks=pending_checks,
        own_application=own_application,
    )
    guide = Guide(current=current, steps=steps, summary="")
    _STAGE_TEXT[current](guide, look)
    return guide
