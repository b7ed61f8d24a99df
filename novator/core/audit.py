"""The activity log: services call `record` inside their transaction.

The log names people by reference, not by name (152-ФЗ): a model whose `str()` carries a person's
name sets `audit_by_reference = True`, and the log writes "<what> № <id>" for it — as the object of a
record and as a value in its changes. A service that names such an object in `changes` itself uses
`ref(obj)`. Erasing a person then leaves the facts in the log and no name to scrub.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.text import capfirst

from .models import ActivityLog


def reference(obj: models.Model) -> str:
    """ "<what> № <id>": names an object without any of its text."""
    return f"{capfirst(str(obj._meta.verbose_name))} № {obj.pk}"


def ref(obj: models.Model) -> str:
    """How the log names an object: by reference if it carries a person's name, else by its `str()`."""
    if getattr(type(obj), "audit_by_reference", False):
        return reference(obj)
    return str(obj)


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return ref(value)
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of `fields`, as plain JSON values, to diff after a change."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value changed."""
    return {k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]}


def _entry(*, actor: Any, action: str, obj: models.Model, changes: Mapping[str, Any] | None) -> ActivityLog:
    return ActivityLog(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
        object_repr=ref(obj)[:300],
        changes=dict(changes or {}),
    )


def record(
    *, actor: Any, action: str, obj: models.Model, changes: Mapping[str, Any] | None = None
) -> ActivityLog:
    entry = _entry(actor=actor, action=action, obj=obj, changes=changes)
    entry.save()
    return entry


def record_many(
    *, actor: Any, action: str, items: Iterable[tuple[models.Model, Mapping[str, Any] | None]]
) -> list[ActivityLog]:
    """The rows `record` writes, for many objects in one INSERT (a batch of an import)."""
    return ActivityLog.objects.bulk_create(
        [_entry(actor=actor, action=action, obj=obj, changes=changes) for obj, changes in items]
    )


def history_for(obj: models.Model) -> models.QuerySet[ActivityLog]:
    """An object's history, newest first, with the actor joined."""
    return ActivityLog.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False), object_id=str(obj.pk)
    ).select_related("actor")
