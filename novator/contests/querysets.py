from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from novator.accounts.scope import get_scope


def _organised_by(scope: Any, prefix: str = "") -> Q:
    """The contests the scope's user organises: its municipalities' (as the lead) and its regions'."""
    return Q(**{f"{prefix}organiser_municipality_id__in": scope.methodologist_municipalities}) | Q(
        **{f"{prefix}organiser_region_id__in": scope.regional_regions}
    )


class ContestQuerySet(models.QuerySet):
    def public(self) -> ContestQuerySet:
        return self.exclude(state="draft")

    def visible_to(self, user: Any) -> ContestQuerySet:
        """Drafts only to the organiser's methodologists and administrators; the rest is public."""
        scope = get_scope(user)
        if scope.is_admin:
            return self
        return self.filter(~Q(state="draft") | _organised_by(scope) | self._coorganised_by(scope))

    def _coorganised_by(self, scope: Any) -> Q:
        """The inter-municipal contests the scope's municipalities co-organise (a subquery: no duplicates)."""
        if not scope.methodologist_municipalities:
            return Q(pk__in=[])
        links = self.model.coorganisers.through.objects.filter(
            municipality_id__in=scope.methodologist_municipalities
        )
        return Q(pk__in=links.values("contest_id"))

    def followed_by(self, user: Any) -> ContestQuerySet:
        """Contests the user organises, leads or co-organises."""
        scope = get_scope(user)
        if scope.is_admin:
            return self
        return self.filter(_organised_by(scope) | self._coorganised_by(scope))

    def managed_by(self, user: Any) -> ContestQuerySet:
        scope = get_scope(user)
        if scope.is_admin:
            return self
        return self.filter(_organised_by(scope))


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> ApplicationQuerySet:
        """Applicants see their organisation's; methodologists those of contests they organise.

        Experts see applications through their published assignments (the expertise app adds that)."""
        scope = get_scope(user)
        if scope.is_admin:
            return self
        if not scope.authenticated:
            return self.none()
        mine = Q(organization_id__in=scope.coordinator_organizations) | _organised_by(scope, "contest__")
        if scope.methodologist_municipalities:  # co-organisers see the others' applications read-only
            links = self.model._meta.get_field("contest").related_model.coorganisers.through.objects
            mine |= Q(
                contest_id__in=links.filter(municipality_id__in=scope.methodologist_municipalities).values(
                    "contest_id"
                )
            )
        return self.filter(mine)
