"""Deadlines of the expertise: the period, reminders to experts, and reassigning a late expert's work.

- The commission's period (`review_starts_on`–`review_due_on`) is the due date of every sheet of a status
  contest; a sheet of a round of a professional contest is due on the round's last day.
- `reminders_send` (daily, `manage.py send_expertise_reminders`): `reminder_days` days before the due
  date (and up to it) the expert of an unsubmitted sheet gets a «due soon» reminder, and from the day
  after the due date an «overdue» one. Each (sheet, kind) is sent once: the `SheetReminder` row is written
  in the same transaction as the notification, and its unique constraint stops a second one however often
  and however concurrently the command runs.
- `late_expert_reassign`: the organiser or the chair takes a late expert's unsubmitted applications away
  and the optimal assignment fills only those gaps (never with the late expert again); the new sheets
  are due `REASSIGNED_DAYS` days later.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from novator.contests.models import Contest, ContestState
from novator.core import audit
from novator.core.services import model_update, require

from .. import notifications
from ..models import Assignment, Commission, Expert, SheetReminder
from ..selectors.deliberation import open_sheets
from ._common import commission_of, require_state
from .assignments import AutoAssignment, assignments_auto

DEFAULT_REMINDER_DAYS = 3
#: days a new expert has for an application taken away from a late one
REASSIGNED_DAYS = 7
DEADLINE_FIELDS = ("review_starts_on", "review_due_on", "reminder_days")


@transaction.atomic
def commission_deadlines_update(
    *, actor: Any, contest: Contest, data: Mapping[str, Any]
) -> dict[str, list[Any]]:
    """Set the expertise period and when the experts are reminded (the organiser or the chair)."""
    require(actor, "expertise.manage_assignments", contest)
    require_state(
        contest,
        frozenset({ContestState.DRAFT, ContestState.ANNOUNCED, ContestState.EXPERTISE}),
        _("The expertise period can be changed until the results are confirmed."),
    )
    commission = Commission.objects.select_for_update(of=("self",)).get(pk=commission_of(contest).pk)

    def validate(c: Commission) -> None:
        errors = {}
        if c.review_starts_on and c.review_due_on and c.review_due_on < c.review_starts_on:
            errors["review_due_on"] = _("The due date cannot be before the start of the expertise.")
        if c.reminder_days is None or not 0 <= c.reminder_days <= 30:
            errors["reminder_days"] = _("Remind from 0 to 30 days before the due date.")
        if errors:
            raise ValidationError(errors)

    return model_update(
        commission,
        fields=DEADLINE_FIELDS,
        data=data,
        actor=actor,
        action="commission.deadlines",
        validate=validate,
    )


def _remind(assignment: Assignment, kind: str, today: datetime.date) -> bool:
    """Record and send one reminder; False when it had already been sent."""
    try:
        with transaction.atomic():
            _reminder, created = SheetReminder.objects.get_or_create(
                assignment=assignment,
                kind=kind,
                defaults={"due_on": assignment.due, "sent_at": timezone.now()},  # type: ignore[attr-defined]
            )
            if not created:
                return False
            notifications.sheet_reminder(assignment, kind, assignment.due)  # type: ignore[attr-defined]
            audit.record(
                actor=None,
                action=f"expertise.reminder_{kind}",
                obj=assignment.application,
                changes={"expert": [None, audit.ref(assignment.expert)]},
            )
    except IntegrityError:  # another run sent it a moment ago
        return False
    return True


def reminders_send(*, today: datetime.date | None = None) -> Counter[str]:
    """Send the reminders due `today` (Moscow date); returns how many of each kind. Safe to run again."""
    today = today or timezone.localdate()
    candidates = list(
        open_sheets()
        .select_related(
            "application__contest__commission", "application__organization", "expert__user", "sheet"
        )
        .order_by("due", "pk")
    )
    sent = set(
        SheetReminder.objects.filter(assignment__in=[a.pk for a in candidates]).values_list(
            "assignment_id", "kind"
        )
    )
    counts: Counter[str] = Counter()
    for assignment in candidates:
        due: datetime.date = assignment.due  # type: ignore[attr-defined]
        commission = getattr(assignment.application.contest, "commission", None)
        days = commission.reminder_days if commission is not None else DEFAULT_REMINDER_DAYS
        if today > due:
            kind = SheetReminder.Kind.OVERDUE
        elif today >= due - datetime.timedelta(days=days):
            kind = SheetReminder.Kind.BEFORE
        else:
            continue
        if (assignment.pk, kind.value) not in sent and _remind(assignment, kind.value, today):
            counts[kind.value] += 1
    counts["checked"] = len(candidates)
    return counts


@transaction.atomic
def late_expert_reassign(
    *, actor: Any, contest: Contest, expert: Expert, today: datetime.date | None = None
) -> AutoAssignment:
    """Take the late expert's unsubmitted sheets of the contest away and let the optimal assignment fill
    only those gaps (with other members; the existing assignments stay). Nothing changes when the gaps
    cannot be filled: the error says why."""
    require(actor, "expertise.manage_assignments", contest)
    require_state(
        contest, frozenset({ContestState.EXPERTISE}), _("Late experts are replaced during the expertise.")
    )
    today = today or timezone.localdate()
    late = list(
        open_sheets()  # type: ignore[misc]  # `due` is annotated by open_sheets
        .filter(application__contest=contest, expert=expert, round__isnull=True, due__lt=today)
        .select_related("application")
    )
    if not late:
        raise ValidationError(
            _("%(expert)s has no overdue scoring sheet in this contest.") % {"expert": expert},
            code="not_late",
        )
    avoid = {(a.application_id, expert.pk) for a in late}
    numbers = [str(a.application) for a in late]
    Assignment.objects.filter(pk__in=[a.pk for a in late]).delete()
    due_on = today + datetime.timedelta(days=REASSIGNED_DAYS)
    audit.record(
        actor=actor,
        action="expertise.late_reassign",
        obj=commission_of(contest),
        changes={
            "expert": [audit.ref(expert), None],
            "applications": [numbers, None],
            "due_on": [None, due_on.isoformat()],
        },
    )
    result = assignments_auto(actor=actor, contest=contest, avoid=avoid)
    # the new experts get their own time to score
    Assignment.objects.filter(pk__in=[a.pk for a in result.added]).update(due_on=due_on)
    return result
