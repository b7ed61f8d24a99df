"""The helpers every service uses: the permission check, the actor, and an audited update of a model.

    require(actor, "contests.manage_contest", contest)      # PermissionDenied unless allowed
    created_by = user_or_none(actor)                         # the user to store, None for the system
    changes = model_update(contest, fields=CONTEST_FIELDS, data=data, actor=actor, action="contest.update")

`actor=None` is the system (the demo loader, a management command, a hook run by another service): it
passes every `require`. A service that needs a person (to sign something) checks for one itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from . import audit

M = TypeVar("M", bound=models.Model)


def require(actor: Any, perm: str, obj: Any = None, *, message: str | Promise | None = None) -> None:
    """PermissionDenied unless `actor` holds the django-rules permission `perm` (on `obj`).

    `actor=None` is the system: no check. `message` replaces the generic refusal.
    """
    if actor is not None and not actor.has_perm(perm, obj):
        raise PermissionDenied(message or _("You do not have permission to do this."))


def user_or_none(actor: Any) -> Any:
    """The user to store as the author of a record: `actor` if it is a signed-in user, else None."""
    return actor if getattr(actor, "is_authenticated", False) else None


def model_update(
    instance: M,
    *,
    fields: Iterable[str],
    data: Mapping[str, Any],
    actor: Any,
    action: str,
    strip: bool = False,
    validate: Callable[[M], None] | None = None,
    also_save: Iterable[str] = (),
    audit_obj: models.Model | None = None,
    label: str | Callable[[M], str] = "",
    conflict_message: str | None = None,
) -> dict[str, list[Any]]:
    """Set those of `fields` that `data` holds, validate, save the changed fields, record the audit.

    Returns the changes among `fields`, {field: [old, new]} (a value `validate` derives counts too);
    nothing is saved or logged when nothing changed.

    - `strip`: strip the surrounding white space of the text values.

    - `validate(instance)` runs after the fields are set and before the diff: `full_clean`, scope
      checks, derived values; it raises to refuse (the caller's transaction undoes the change).
    - `also_save`: fields outside `fields` that `validate` derives, saved with the changed ones
      (`updated_at` is always saved when the model has it).
    - `audit_obj`/`label`: log the change on another object (a stage on its programme), with the keys
      of the changes prefixed by `label` ("stage 2: title"; a callable gets the updated instance).
    - `conflict_message`: turn an IntegrityError (a race past `full_clean`'s uniqueness check) into
      this ValidationError.
    """
    fields = tuple(fields)
    before = audit.snapshot(instance, fields)
    for name in fields:
        if name in data:
            value = data[name]
            setattr(instance, name, value.strip() if strip and isinstance(value, str) else value)
    if validate is not None:
        validate(instance)
    changes = audit.diff(before, audit.snapshot(instance, fields))
    if not changes:
        return changes
    update_fields = [*changes, *(f for f in also_save if f not in changes)]
    if (
        any(f.name == "updated_at" for f in instance._meta.concrete_fields)
        and "updated_at" not in update_fields
    ):
        update_fields.append("updated_at")
    if conflict_message is None:
        instance.save(update_fields=update_fields)
    else:
        try:
            with transaction.atomic():
                instance.save(update_fields=update_fields)
        except IntegrityError as exc:
            raise ValidationError(conflict_message) from exc
    prefix = label(instance) if callable(label) else label
    logged = {f"{prefix}{key}": value for key, value in changes.items()} if prefix else changes
    audit.record(actor=actor, action=action, obj=audit_obj or instance, changes=logged)
    return changes
