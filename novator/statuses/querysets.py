from __future__ import annotations

import datetime
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone


def _not_revoked_by(day: datetime.date) -> Q:
    return Q(revoked_on__isnull=True) | Q(revoked_on__gt=day)


class StatusAssignmentQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> StatusAssignmentQuerySet:
        """The register of statuses is public: every assignment is visible to everyone."""
        return self

    def active(self, on: datetime.date | None = None) -> StatusAssignmentQuerySet:
        day = on or timezone.localdate()
        return self.filter(starts_on__lte=day, ends_on__gte=day).filter(_not_revoked_by(day))

    def expired(self, on: datetime.date | None = None) -> StatusAssignmentQuerySet:
        day = on or timezone.localdate()
        return self.filter(ends_on__lt=day).filter(_not_revoked_by(day))

    def revoked(self, on: datetime.date | None = None) -> StatusAssignmentQuerySet:
        day = on or timezone.localdate()
        return self.filter(revoked_on__lte=day)

    def pending(self, on: datetime.date | None = None) -> StatusAssignmentQuerySet:
        day = on or timezone.localdate()
        return self.filter(starts_on__gt=day).filter(_not_revoked_by(day))

    def in_state(self, state: str, on: datetime.date | None = None) -> StatusAssignmentQuerySet:
        if state == "active":
            return self.active(on)
        if state == "expired":
            return self.expired(on)
        if state == "revoked":
            return self.revoked(on)
        if state == "pending":
            return self.pending(on)
        return self
