"""Writes: a body's requisites, and the registration of an outgoing order (its number)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from novator.core.audit import diff, record, snapshot
from novator.core.services import model_update, require, user_or_none

from .models import OrderPurpose, OutgoingOrder, Requisites

FIELDS = (
    "full_name",
    "short_name",
    "place",
    "head_position",
    "head_name",
    "preparer_position",
    "preparer_name",
    "preparer_phone",
)


def requisites_save(*, actor: Any, requisites: Requisites, data: dict[str, Any]) -> dict[str, list[Any]]:
    """Create or update a body's requisites (the object may be the unsaved default of its territory);
    returns the changes. Checked by the model's validation; nothing is saved when it fails."""
    require(
        actor, "documents.change_requisites", requisites, message=_("You may not change these requisites.")
    )
    with transaction.atomic():
        if requisites.pk is not None:
            return model_update(
                requisites,
                fields=FIELDS,
                data=data,
                actor=actor,
                action="documents.requisites_changed",
                strip=True,
                validate=lambda instance: instance.full_clean(),
            )
        for name in FIELDS:
            setattr(requisites, name, (data.get(name) or "").strip())
        requisites.full_clean()
        requisites.save()
        changes = diff({}, snapshot(requisites, FIELDS))
        record(actor=actor, action="documents.requisites_created", obj=requisites, changes=changes)
    return changes


def outgoing_order_register(
    *,
    actor: Any,
    requisites: Requisites,
    date: datetime.date,
    title: str,
    subject: models.Model | None = None,
    purpose: str = OrderPurpose.OTHER,
) -> OutgoingOrder:
    """The next number of the body's orders in the year of `date`. The body's row is locked for the
    transaction (SELECT … FOR UPDATE on PostgreSQL), so two registrations at once get consecutive numbers;
    the unique constraint is the last guard."""
    if requisites.pk is None:
        raise ValidationError(_("Fill in the requisites of the issuing body before registering its orders."))
    with transaction.atomic():
        Requisites.objects.select_for_update().only("pk").get(pk=requisites.pk)
        last = OutgoingOrder.objects.filter(requisites=requisites, year=date.year).aggregate(n=Max("number"))[
            "n"
        ]
        order = OutgoingOrder.objects.create(
            requisites=requisites,
            year=date.year,
            number=(last or 0) + 1,
            date=date,
            title=title[:500],
            purpose=purpose,
            subject_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
            subject_id=subject.pk if subject is not None else None,
            registered_by=user_or_none(actor),
        )
        record(actor=actor, action="documents.order_registered", obj=order, changes={"title": title[:300]})
    return order
