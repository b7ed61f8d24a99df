from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from novator.accounts.scope import get_scope
from novator.core.text import fold


class OrganizationQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> OrganizationQuerySet:
        """The registry is public: every organisation is visible to everyone."""
        return self

    def editable_by(self, user: Any) -> OrganizationQuerySet:
        scope = get_scope(user)
        if scope.is_admin:
            return self
        return self.filter(
            Q(municipality_id__in=scope.methodologist_municipalities)
            | Q(pk__in=scope.coordinator_organizations)
        )

    def search(self, query: str) -> OrganizationQuerySet:
        """Every word of the query must occur in names, ИНН, ОГРН or address (case- and ё/е-insensitive)."""
        qs = self
        for word in fold(query).split()[:8]:
            qs = qs.filter(search_text__contains=word)
        return qs

    def in_municipality_oktmo(self, oktmo: str) -> OrganizationQuerySet:
        return self.filter(municipality__oktmo=oktmo)


class PersonQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> PersonQuerySet:
        """Personal data: only those who need it (152-ФЗ)."""
        scope = get_scope(user)
        if not scope.authenticated:
            return self.none()
        if scope.is_admin:
            return self
        return self.filter(
            Q(organization__municipality_id__in=scope.methodologist_municipalities)
            | Q(organization_id__in=scope.coordinator_organizations)
            | Q(user_id=user.pk)
        )
