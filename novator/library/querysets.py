from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q

from novator.accounts.scope import get_scope


def _authored_by(scope: Any, prefix: str = "") -> Q:
    """Products whose author organisations the user coordinates or whose municipality he serves.

    A subquery rather than a join, so that a product with several author organisations stays one row.
    """
    through: Any = apps.get_model("library", "MethodProduct").author_organizations.through
    ids = through.objects.filter(
        Q(organization_id__in=scope.coordinator_organizations)
        | Q(organization__municipality_id__in=scope.methodologist_municipalities)
    ).values("methodproduct_id")
    return Q(**{f"{prefix}pk__in": ids})


class MethodProductQuerySet(models.QuerySet):
    def published(self) -> MethodProductQuerySet:
        return self.filter(is_published=True)

    def visible_to(self, user: Any) -> MethodProductQuerySet:
        """Published products to everyone; drafts to their authors' coordinators and methodologists,
        to whoever created them and to administrators."""
        scope = get_scope(user)
        if scope.is_admin:
            return self
        if not scope.authenticated:
            return self.published()
        return self.filter(Q(is_published=True) | Q(created_by=user) | _authored_by(scope))

    def editable_by(self, user: Any) -> MethodProductQuerySet:
        scope = get_scope(user)
        if scope.is_admin:
            return self
        if not scope.authenticated:
            return self.none()
        return self.filter(Q(created_by=user) | _authored_by(scope))


class AdoptionQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> AdoptionQuerySet:
        """The adopting organisation's coordinators, the methodologists and observers of its municipality
        (observers of a region: the region), the coordinators of the author organisations, admins."""
        scope = get_scope(user)
        if scope.is_admin:
            return self
        if not scope.authenticated:
            return self.none()
        through: Any = apps.get_model("library", "MethodProduct").author_organizations.through
        authored = through.objects.filter(organization_id__in=scope.coordinator_organizations).values(
            "methodproduct_id"
        )
        return self.filter(
            Q(organization_id__in=scope.coordinator_organizations)
            | Q(organization__municipality_id__in=scope.methodologist_municipalities)
            | Q(organization__municipality_id__in=scope.observer_municipalities)
            | Q(organization__municipality__region_id__in=scope.observer_regions)
            | Q(product_id__in=authored)
        )

    def open(self) -> AdoptionQuerySet:
        return self.filter(closed_on__isnull=True)
