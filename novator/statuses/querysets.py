from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone


class StatusAssignmentQuerySet(models.QuerySet):
    def active(self, on: datetime.date | None = None) -> StatusAssignmentQuerySet:
        day = on or timezone.localdate()
        return self.filter(starts_on__lte=day, ends_on__gte=day).filter(
            Q(revoked_on__isnull=True) | Q(revoked_on__gt=day)
        )

    def expired(self, on: datetime.date | None = None) -> StatusAssignmentQuerySet:
        day = on or timezone.localdate()
        return self.filter(ends_on__lt=day).filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=day))

    def revoked(self, on: datetime.date | None = None) -> StatusAssignmentQuerySet:
        day = on or timezone.localdate()
        return self.filter(revoked_on__lte=day)

    def in_state(self, state: str, on: datetime.date | None = None) -> StatusAssignmentQuerySet:
        if state == "active":
            return self.active(on)
        if state == "expired":
            return self.expired(on)
        if state == "revoked":
            return self.revoked(on)
        if state == "pending":
            day = on or timezone.localdate()
            return self.filter(starts_on__gt=day, revoked_on__isnull=True)
        return self
