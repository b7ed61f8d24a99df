"""Awarding, extending, revoking and correcting statuses. Every change is an event and an audit record."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from novator.core import audit
from novator.core.dates import ddmmyyyy
from novator.core.services import model_update, require, user_or_none

from .models import StatusAssignment, StatusEvent, StatusKind, StatusLevel

#: Fields of an assignment that may be corrected without an event (a typo in the order or the title).
CORRECTABLE_FIELDS = ("project_title", "order_number", "order_date")


def _save_event(event: StatusEvent) -> StatusEvent:
    # The lengths of the order number and the like are checked here, not by the database.
    event.full_clean(exclude=["assignment", "actor"])
    event.save()
    return event


def _require_order(order_number: str, order_date: datetime.date | None) -> None:
    errors = {}
    if not order_number:
        errors["order_number"] = _("A regional status changes only by the region's order: give its number.")
    if order_date is None:
        errors["order_date"] = _("A regional status changes only by the region's order: give its date.")
    if errors:
        raise ValidationError(errors)


def term_end(starts_on: datetime.date, years: int) -> datetime.date:
    """The last day of a term of `years` years starting on `starts_on` (01.09.2023 + 3 → 31.08.2026).

    A term starting on 29 February ends on 28 February whether or not the last year is a leap year: in a
    common year the anniversary is 1 March, so the term keeps all its days (29.02.2024 + 3 → 28.02.2027).
    """
    try:
        anniversary = starts_on.replace(year=starts_on.year + years)
    except ValueError:  # 29 February in a common year
        anniversary = datetime.date(starts_on.year + years, 3, 1)
    return anniversary - datetime.timedelta(days=1)


@transaction.atomic
def status_award(
    *,
    actor: Any,
    organization: Any,
    kind: StatusKind,
    starts_on: datetime.date,
    years: int,
    order_number: str = "",
    order_date: datetime.date | None = None,
    project_title: str = "",
    is_demo: bool = False,
) -> StatusAssignment:
    """Give an organisation a status for a term. `actor=None` is the system (a contest's publication).

    A person awards a regional status (КИП, РИП) only by the region's order: its number and date."""
    require(
        actor,
        "statuses.award_status",
        StatusAssignment(organization=organization, kind=kind),
        message=_("You cannot award this status to this organisation."),
    )
    if years < 1:
        raise ValidationError({"years": _("The term is at least one year.")})
    order_number = (order_number or "").strip()
    if actor is not None and kind.level == StatusLevel.REGIONAL:
        _require_order(order_number, order_date)
    assignment = StatusAssignment(
        organization=organization,
        kind=kind,
        starts_on=starts_on,
        ends_on=term_end(starts_on, years),
        order_number=order_number,
        order_date=order_date,
        project_title=(project_title or "").strip()[:500],
        is_demo=is_demo,
    )
    assignment.full_clean()
    assignment.save()
    _save_event(
        StatusEvent(
            assignment=assignment,
            kind=StatusEvent.Kind.AWARD,
            on=starts_on,
            new_ends_on=assignment.ends_on,
            order_number=order_number,
            order_date=order_date,
            actor=user_or_none(actor),
        )
    )
    audit.record(
        actor=actor,
        action="status.award",
        obj=assignment,
        changes={
            "kind": [None, str(kind)],
            "starts_on": [None, starts_on.isoformat()],
            "ends_on": [None, assignment.ends_on.isoformat()],
            "order_number": [None, order_number],
        },
    )
    return assignment


@transaction.atomic
def status_extend(
    *,
    actor: Any,
    assignment: StatusAssignment,
    new_ends_on: datetime.date,
    order_number: str,
    order_date: datetime.date,
    grounds: str = "",
) -> StatusAssignment:
    """Move the end of a term later, by an order. A revoked status cannot be extended."""
    assignment = (
        StatusAssignment.objects.select_for_update(of=("self",))
        .select_related("organization__municipality", "kind")
        .get(pk=assignment.pk)
    )
    require(actor, "statuses.change_status", assignment)
    if assignment.revoked_on:
        raise ValidationError(_("A revoked status cannot be extended."))
    if new_ends_on <= assignment.ends_on:
        raise ValidationError(
            {
                "new_ends_on": _("The new end must be later than the current one (%(end)s).")
                % {"end": ddmmyyyy(assignment.ends_on)}
            }
        )
    order_number = (order_number or "").strip()
    if not order_number:
        raise ValidationError({"order_number": _("Give the number of the order.")})
    if order_date is None:
        raise ValidationError({"order_date": _("Give the date of the order.")})
    previous = assignment.ends_on
    assignment.ends_on = new_ends_on
    assignment.full_clean()
    assignment.save(update_fields=["ends_on", "updated_at"])
    _save_event(
        StatusEvent(
            assignment=assignment,
            kind=StatusEvent.Kind.EXTEND,
            on=order_date,
            previous_ends_on=previous,
            new_ends_on=new_ends_on,
            order_number=order_number,
            order_date=order_date,
            grounds=(grounds or "").strip(),
            actor=user_or_none(actor),
        )
    )
    audit.record(
        actor=actor,
        action="status.extend",
        obj=assignment,
        changes={
            "ends_on": [previous.isoformat(), new_ends_on.isoformat()],
            "order_number": [None, order_number],
        },
    )
    return assignment


@transaction.atomic
def status_revoke(
    *,
    actor: Any,
    assignment: StatusAssignment,
    on: datetime.date | None,
    grounds: str,
    order_number: str = "",
    order_date: datetime.date | None = None,
) -> StatusAssignment:
    """End a status early (no report, programme not carried out, the organisation's request …) by the
    authority's order: its number and date are required, as for an extension."""
    assignment = (
        StatusAssignment.objects.select_for_update(of=("self",))
        .select_related("organization__municipality", "kind")
        .get(pk=assignment.pk)
    )
    require(actor, "statuses.change_status", assignment)
    grounds = (grounds or "").strip()
    if not grounds:
        raise ValidationError({"grounds": _("Give the grounds for revocation.")})
    if assignment.revoked_on:
        raise ValidationError(_("The status has already been revoked."))
    on = on or timezone.localdate()
    if on < assignment.starts_on:
        raise ValidationError({"on": _("A status cannot be revoked before it starts.")})
    if on > assignment.ends_on:
        raise ValidationError(
            {
                "on": _("The status ended on %(end)s; a revocation must fall within its term.")
                % {"end": ddmmyyyy(assignment.ends_on)}
            }
        )
    order_number = (order_number or "").strip()
    missing = {}
    if not order_number:  # a status ends by the authority's order, as it was awarded and extended
        missing["order_number"] = [_("Give the number of the order.")]
    if order_date is None:
        missing["order_date"] = [_("Give the date of the order.")]
    if missing:
        raise ValidationError(missing)
    assignment.revoked_on = on
    assignment.revocation_grounds = grounds
    assignment.full_clean()
    assignment.save(update_fields=["revoked_on", "revocation_grounds", "updated_at"])
    _save_event(
        StatusEvent(
            assignment=assignment,
            kind=StatusEvent.Kind.REVOKE,
            on=on,
            previous_ends_on=assignment.ends_on,
            order_number=order_number,
            order_date=order_date,
            grounds=grounds,
            actor=user_or_none(actor),
        )
    )
    audit.record(
        actor=actor,
        action="status.revoke",
        obj=assignment,
        changes={"revoked_on": [None, on.isoformat()], "grounds": [None, grounds]},
    )
    return assignment


@transaction.atomic
def status_update(
    *, actor: Any, assignment: StatusAssignment, data: Mapping[str, Any]
) -> dict[str, list[Any]]:
    """Correct the project title or the order's number and date (a typo); the term changes only by
    extension or revocation. Returns the changes recorded ({} when nothing changed)."""
    assignment = (
        StatusAssignment.objects.select_for_update(of=("self",))
        .select_related("organization__municipality", "kind")
        .get(pk=assignment.pk)
    )
    require(actor, "statuses.change_status", assignment)
    unknown = set(data) - set(CORRECTABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _(
                "Only the project, the order number and the order date can be corrected; the term changes "
                "by extension or revocation."
            )
        )
    return model_update(
        assignment,
        fields=tuple(data),
        data=data,
        actor=actor,
        action="status.update",
        strip=True,
        validate=StatusAssignment.full_clean,
    )
