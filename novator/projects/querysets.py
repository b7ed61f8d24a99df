"""Chainable filters: what each user may see of projects, reports, proposals and survey runs."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone

from novator.accounts.scope import Scope, get_scope


def organization_scope(scope: Scope, prefix: str = "organization__", *, teachers: bool = False) -> Q:
    """Organisations a user works with: a methodologist's municipality, a coordinator's (a teacher's)
    organisation, an observer's municipality or region. `prefix` leads from the model to the organisation."""
    org_ids = set(scope.coordinator_organizations)
    if teachers:
        org_ids |= scope.teacher_organizations
    return (
        Q(**{f"{prefix}municipality_id__in": scope.methodologist_municipalities})
        | Q(**{f"{prefix}id__in": org_ids})
        | Q(**{f"{prefix}municipality_id__in": scope.observer_municipalities})
        | Q(**{f"{prefix}municipality__region_id__in": scope.observer_regions})
    )


class _Scoped(models.QuerySet):
    prefix = "organization__"
    teachers = False

    def visible_to(self, user: Any) -> Any:
        scope = get_scope(user)
        if scope.is_admin:
            return self
        if not scope.authenticated:
            return self.none()
        return self.filter(organization_scope(scope, self.prefix, teachers=self.teachers))


class ProjectQuerySet(_Scoped):
    def public(self) -> ProjectQuerySet:
        """Projects with an approved passport: their summary is public."""
        return self.filter(approved_version__isnull=False)

    def listed_for(self, user: Any) -> ProjectQuerySet:
        """Public summaries plus the projects the user works with (drafts included)."""
        scope = get_scope(user)
        if scope.is_admin:
            return self
        if not scope.authenticated:
            return self.public()
        return self.filter(Q(approved_version__isnull=False) | organization_scope(scope))


class ReportQuerySet(_Scoped):
    prefix = "project__organization__"

    def overdue(self, on: datetime.date | None = None) -> ReportQuerySet:
        day = on or timezone.localdate()
        return self.filter(
            Q(state="draft", due_on__lt=day)
            | Q(state="returned", fixes_due_on__lt=day)
            | Q(state="returned", fixes_due_on__isnull=True, due_on__lt=day)
        )

    def due_between(self, first: datetime.date, last: datetime.date) -> ReportQuerySet:
        return self.filter(state="draft", due_on__gte=first, due_on__lte=last)


class ProposalQuerySet(_Scoped):
    prefix = "project__organization__"


class SurveyRunQuerySet(_Scoped):
    teachers = True
