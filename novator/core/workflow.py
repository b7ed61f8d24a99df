"""Workflows declared as data, performed by one engine.

A `Transition` names its source states, its target state, the django-rules permission the actor must hold
on the object, whether it needs a reason, and the rest of what the move means, all declared with it:

- `guards`: when the move is possible at all (the contest still accepts changes). `allowed` runs them to
  draw the buttons; `perform` runs them before anything changes.
- `checks`: what the input and the object must satisfy at the moment of the move (the application is
  complete, the due date lies ahead); `perform` runs them after the guards. A failed check is a message
  on the page, not a hidden button.
- `effects`: the other fields the move sets (`submitted_at`), before the save.
- `after`: what follows in the same transaction (proposals, hooks of other apps).
- `notify`: the notifications (their e-mail leaves on commit).

Guards, checks, effects and `after` are callables `(obj, step)`; a guard or a check refuses by raising
ValidationError (`rule(predicate, message)` makes one of a django-rules predicate). A workflow is a
`Transitions`: the transitions by name, the choices of the states and how its refusals and its activity
log read.

    REPORT_TRANSITIONS = Transitions(ReportState, (
        Transition("submit", _("Submit"), frozenset({R.DRAFT}), R.SUBMITTED, "projects.fill_report",
                   checks=(report_complete,), effects=(stamp_submitted,)),
    ), action="report.{name}")
    report = perform(actor, report, "submit", transitions=REPORT_TRANSITIONS)
    buttons = allowed(user, report, REPORT_TRANSITIONS)
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import audit


@dataclass
class Step:
    """One move in progress: who makes it, on what, with which reason and parameters."""

    actor: Any
    obj: Any
    transition: Transition
    reason: str = ""
    now: datetime.datetime = field(default_factory=timezone.now)
    #: the state before the move
    previous: str = ""
    #: what the caller passed besides the reason (a due date, an outcome)
    params: dict[str, Any] = field(default_factory=dict)
    #: what else the move changed, {field: [old, new]}, logged before the state (a hook fills it)
    changes: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.transition.name


#: A guard, a check, an effect or an `after`: called with the object and the step.
Hook = Callable[[Any, Step], None]


@dataclass(frozen=True)
class Transition:
    name: str
    label: str | Promise
    sources: frozenset[str]
    target: str
    permission: str
    needs_reason: bool = False
    style: str = "btn-outline-primary"
    guards: tuple[Hook, ...] = ()
    checks: tuple[Hook, ...] = ()
    effects: tuple[Hook, ...] = ()
    after: tuple[Hook, ...] = ()
    notify: Hook | None = None


def rule(predicate: Callable[[Any, Any], bool], message: str | Promise, code: str = "guard") -> Hook:
    """A guard of a django-rules predicate `(user, obj)`: refuses with `message` when it is false."""

    def guard(obj: Any, step: Step) -> None:
        if step.actor is not None and not predicate(step.actor, obj):
            raise ValidationError(str(message), code=code)

    return guard


def _strip(text: str) -> str:
    return (text or "").strip()


class Transitions(Mapping[str, Transition]):
    """The transitions of one workflow by name (a read-only mapping), with how the engine treats them.

    - `states`: the TextChoices of the states (their labels name the state in refusals);
    - `action`: the activity log's action, formatted with the transition's `name`;
    - `related`: what `perform` joins to the locked row (`select_related`);
    - `reason_error`: the ValidationError of a missing reason; `clean_reason`: how a reason is cleaned;
      `log_reason`: whether the log records the reason;
    - `denied`: the message of PermissionDenied (a generic one by default);
    - `impossible`: one message for an unknown action and a wrong state, both checked before the
      permission (by default the permission comes first and the refusal names the state).
    """

    def __init__(
        self,
        states: Any,
        transitions: Iterable[Transition],
        *,
        action: str,
        related: tuple[str, ...] = (),
        field: str = "state",
        reason_error: Any = None,
        clean_reason: Callable[[str], str] = _strip,
        log_reason: bool = True,
        denied: str | Promise | None = None,
        impossible: str | Promise | None = None,
    ) -> None:
        self._by_name = {t.name: t for t in transitions}
        self.states = states
        self.action = action
        self.related = related
        self.field = field
        self.reason_error = reason_error or {"reason": gettext_lazy("Give the reason.")}
        self.clean_reason = clean_reason
        self.log_reason = log_reason
        self.denied = denied
        self.impossible = impossible

    def __getitem__(self, name: str) -> Transition:
        return self._by_name[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_name)

    def __len__(self) -> int:
        return len(self._by_name)

    def state_label(self, state: str) -> str:
        return str(self.states(state).label) if state in self.states.values else state


def available(transitions: Mapping[str, Transition], state: str) -> list[Transition]:
    """The transitions that start from `state` (permission and guards are checked separately, per user)."""
    return [t for t in transitions.values() if state in t.sources]


def find(
    transitions: Transitions, name: str, obj: Any, actor: Any, *, state: str | None = None
) -> Transition:
    """The transition `name` from the object's state (or `state`) if `actor` may make it on `obj`:
    PermissionDenied first (a stranger learns nothing about the state), then a ValidationError saying why
    not now."""
    state = getattr(obj, transitions.field) if state is None else state
    transition = transitions.get(name)
    if transitions.impossible is not None:
        if transition is None or state not in transition.sources:
            raise ValidationError(str(transitions.impossible))
        _require(actor, transition, obj, transitions)
        return transition
    if transition is None:
        raise ValidationError(_("Unknown action «%(name)s».") % {"name": name}, code="unknown_transition")
    _require(actor, transition, obj, transitions)
    if state not in transition.sources:
        label = transitions.state_label(state)
        if state == transition.target:
            raise ValidationError(
                _("This has already been done: the state is already «%(state)s».") % {"state": label},
                code="already_done",
            )
        raise ValidationError(
            _("This cannot be done now: the state is «%(state)s».") % {"state": label}, code="wrong_state"
        )
    return transition


def _require(actor: Any, transition: Transition, obj: Any, transitions: Transitions) -> None:
    if actor is not None and not actor.has_perm(transition.permission, obj):
        raise PermissionDenied(transitions.denied or _("You do not have permission to do this."))


def perform(
    actor: Any,
    obj: models.Model,
    name: str,
    *,
    transitions: Transitions,
    reason: str = "",
    now: datetime.datetime | None = None,
    **params: Any,
) -> Any:
    """Make the transition `name` on `obj` and return the object as saved (a fresh, locked copy).

    In one transaction: lock the row, check the permission and the source state, the reason, the guards
    and the checks, set the state and run the effects, save, record the activity log, run `after`, and
    notify. Anything refused changes nothing. `actor=None` is the system: no permission check.
    """
    with transaction.atomic():
        manager = type(obj)._default_manager
        obj = manager.select_for_update(of=("self",)).select_related(*transitions.related).get(pk=obj.pk)
        transition = find(transitions, name, obj, actor)
        step = Step(
            actor=actor,
            obj=obj,
            transition=transition,
            reason=transitions.clean_reason(reason),
            now=now or timezone.now(),
            previous=getattr(obj, transitions.field),
            params=params,
        )
        if transition.needs_reason and not step.reason:
            raise ValidationError(transitions.reason_error)
        for hook in (*transition.guards, *transition.checks):
            hook(obj, step)
        setattr(obj, transitions.field, transition.target)
        for hook in transition.effects:
            hook(obj, step)
        obj.save()
        changes: dict[str, Any] = {**step.changes, "state": [step.previous, transition.target]}
        if step.reason and transitions.log_reason:
            changes["reason"] = [None, step.reason]
        audit.record(actor=actor, action=transitions.action.format(name=name), obj=obj, changes=changes)
        for hook in transition.after:
            hook(obj, step)
        if transition.notify is not None:
            transition.notify(obj, step)
    return obj


def allowed(actor: Any, obj: Any, transitions: Transitions) -> list[Transition]:
    """The transitions `actor` may make on `obj` now: from its state, with the permission, past the
    guards (the same as `perform` runs; no writes). The pages draw their buttons from it."""
    state = getattr(obj, transitions.field)
    result = []
    for transition in available(transitions, state):
        if actor is not None and not actor.has_perm(transition.permission, obj):
            continue
        step = Step(actor=actor, obj=obj, transition=transition, previous=state)
        try:
            for guard in transition.guards:
                guard(obj, step)
        except ValidationError:
            continue
        result.append(transition)
    return result
