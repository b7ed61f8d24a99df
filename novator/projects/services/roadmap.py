"""Ticking a step of the management roadmap by hand, and taking the tick back."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from novator.core import audit
from novator.core.services import require, user_or_none
from novator.core.text import clean_text
from novator.organizations.models import Organization

from ..models import RoadmapMark
from ..roadmap import STEP_KEYS


@transaction.atomic
def roadmap_mark(
    *,
    actor: Any,
    organization: Organization,
    step: str,
    note: str,
    on: datetime.date | None = None,
    is_demo: bool = False,
) -> RoadmapMark:
    require(actor, "projects.mark_roadmap", organization)
    if step not in STEP_KEYS:
        raise ValidationError(_("Unknown step of the roadmap."))
    note = clean_text(note, 5000)
    if not note:
        raise ValidationError({"note": _("Write what was done.")})
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date cannot be in the future.")})
    mark, _created = RoadmapMark.objects.update_or_create(
        organization=organization,
        step=step,
        defaults={"note": note, "marked_on": on, "marked_by": user_or_none(actor), "is_demo": is_demo},
    )
    audit.record(
        actor=actor,
        action="roadmap.mark",
        obj=organization,
        changes={"step": [None, step], "note": [None, note]},
    )
    return mark


@transaction.atomic
def roadmap_unmark(*, actor: Any, organization: Organization, step: str) -> None:
    require(actor, "projects.mark_roadmap", organization)
    deleted, _rows = RoadmapMark.objects.filter(organization=organization, step=step).delete()
    if deleted:
        audit.record(actor=actor, action="roadmap.unmark", obj=organization, changes={"step": [step, None]})
