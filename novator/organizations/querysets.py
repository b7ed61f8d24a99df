from __future__ import annotations

from typing import Any

from django.db import connections, models
from django.db.models import Q
from django.db.models.expressions import RawSQL

from novator.accounts.scope import get_scope
from novator.core.text import fold

#: the SQLite FTS5 trigram table over Organization.search_text (migration 0005_search_index)
SEARCH_FTS = "organizations_organization_fts"


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
        """Every word of the query must occur in names, ИНН, ОГРН or address (case- and ё/е-insensitive).

        A substring search, served by a trigram index (migration 0005): on PostgreSQL `LIKE '%…%'` uses
        the GIN index by itself; on SQLite the words of three letters or more are looked up in the FTS5
        trigram table, the shorter ones (which a trigram cannot find) are matched by `LIKE`."""
        words = fold(query).split()[:8]
        qs = self
        if connections[self.db].vendor == "sqlite":
            long_words = [word for word in words if len(word) >= 3]
            if long_words:
                phrase = " AND ".join('"{}"'.format(word.replace('"', '""')) for word in long_words)
                match = f"SELECT rowid FROM {SEARCH_FTS} WHERE {SEARCH_FTS} MATCH %s"  # noqa: S608 - a constant
                qs = qs.filter(pk__in=RawSQL(match, [phrase]))  # noqa: S611 - the words are a parameter
            words = [word for word in words if len(word) < 3]
        for word in words:
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
