"""Optimistic locking for edit forms: a version token from `updated_at`, carried in a hidden field.

Two people open the same edit page; the first saves; the second's save would silently overwrite the
first's changes. With this helper the page carries the version it was loaded with, and the service
refuses a save made from an older version with a clear message, changing nothing.

Usage:

    class OrganizationForm(VersionedFormMixin, forms.ModelForm): ...

    # view
    services.organization_update(actor=..., organization=org, data=form.cleaned_data,
                                 version=form.version_token)

    # service, inside its transaction.atomic
    check_version(organization, version)   # locks the row, raises StaleVersionError when it moved on

Any model with an `updated_at` that changes on every save (novator.core.models.TimeStampedModel) works.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

VERSION_FIELD = "version_token"


class StaleVersionError(ValidationError):
    """The record changed after the page was loaded."""


def version_token(obj: models.Model, field: str = "updated_at") -> str:
    """The version of `obj` as a string: its `updated_at` to the microsecond ("" when unsaved)."""
    value = getattr(obj, field, None)
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return f"{value.timestamp():.6f}"
    return str(value)


def check_version(obj: models.Model, token: str | None, field: str = "updated_at") -> None:
    """Lock `obj`'s row and refuse when its current version differs from `token`.

    `token=None` (a caller that does not take part, e.g. an import) skips the check. Must run inside
    a transaction (the services are `transaction.atomic`): the row stays locked until the save commits,
    so two saves from the same version cannot both pass.
    """
    if token is None:
        return
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("check_version must run inside transaction.atomic")
    model = type(obj)
    current = model._default_manager.select_for_update(of=("self",)).only(field).get(pk=obj.pk)
    if version_token(current, field) != token:
        when = getattr(current, field, None)
        shown = formats.date_format(timezone.localtime(when), "DATETIME_FORMAT") if when else ""
        raise StaleVersionError(
            _(
                "This record was changed by someone else while you were editing it (saved %(when)s). "
                "Your changes were not saved: reload the page to see the latest version, "
                "then make them again."
            )
            % {"when": shown},
            code="stale",
        )


class VersionedFormMixin:
    """A form with the hidden version token of the record it edits: a ModelForm's instance, or the record
    given as `version_of=` (a plain form that edits a model)."""

    def __init__(self, *args: Any, version_of: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form: Any = self
        form.fields[VERSION_FIELD] = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)
        record = version_of if version_of is not None else getattr(form, "instance", None)
        if record is not None and record.pk:
            form.initial[VERSION_FIELD] = version_token(record)

    @property
    def version_token(self) -> str | None:
        """The token the page was loaded with (None for a new record or a post without the field)."""
        cleaned = getattr(self, "cleaned_data", None) or {}
        return cleaned.get(VERSION_FIELD) or None
