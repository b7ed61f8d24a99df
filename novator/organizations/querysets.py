from __future__ import annotations

from typing import Any

from django.db import connections, models
from django.db.models import F, Func, Q
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

    def search(self, query: str, *, many: bool = False) -> OrganizationQuerySet:
        """Every word of the query must occur in names, ИНН, ОГРН or address (case- and ё/е-insensitive).

        A substring search, served by a trigram index (migration 0005): on PostgreSQL `LIKE '%…%'` uses
        the GIN index by itself; on SQLite the words of three letters or more are looked up in the FTS5
        trigram table, the shorter ones (which a trigram cannot find) are matched by `LIKE`.

        `many`: the caller knows the query matches many rows (more than a page's worth of a capped count)
        and reads them in name order. On SQLite the matches' ids are then only looked up while the
        `short_name` index is walked in order (`+id IN …`: the unary plus keeps SQLite from driving the
        query by the matches), so a page stops at its last row instead of fetching and sorting every
        matching row (a word in a third of the registry: 30,000 rows). Few matches are cheaper the other
        way round, hence the flag: the walk costs up to the whole index (~15 ms at 85,000 rows, when the
        matches' names all sort late), sorting costs per match. The rows found are the same either way;
        PostgreSQL chooses by itself (migration 0007's covering index)."""
        words = fold(query).split()[:8]
        qs = self
        if connections[self.db].vendor == "sqlite":
            long_words = [word for word in words if len(word) >= 3]
            if long_words:
                phrase = " AND ".join('"{}"'.format(word.replace('"', '""')) for word in long_words)
                match = f"SELECT rowid FROM {SEARCH_FTS} WHERE {SEARCH_FTS} MATCH %s"  # noqa: S608 - a constant
                ids = RawSQL(match, [phrase])  # noqa: S611 - the words are a parameter
                if many:
                    unindexed_id = Func(
                        F("pk"), template="+%(expressions)s", output_field=models.IntegerField()
                    )
                    qs = qs.alias(_walked_id=unindexed_id).filter(_walked_id__in=ids)
                else:
                    qs = qs.filter(pk__in=ids)
            words = [word for word in words if len(word) < 3]
        for word in words:
            qs = qs.filter(search_text__contains=word)
        return qs

    def in_municipality_oktmo(self, oktmo: str) -> OrganizationQuerySet:
        return self.filter(municipality__oktmo=oktmo)


def publication_consent_q(prefix: str = "") -> Q:
    """Consent to publication in force, as a filter over people (`prefix` reaches them through a relation,
    e.g. ``"applicant__"``): given, not withdrawn, and the consent to processing given and not withdrawn.

    The same rule as `Person.publication_consent_in_force`, for lists that filter in the database; a test
    holds the two to the same answer for every combination of the four dates."""
    return Q(
        **{
            f"{prefix}publication_consent_on__isnull": False,
            f"{prefix}publication_consent_withdrawn_on__isnull": True,
            f"{prefix}processing_consent_on__isnull": False,
            f"{prefix}processing_consent_withdrawn_on__isnull": True,
        }
    )


class PersonQuerySet(models.QuerySet):
    def publishable(self) -> PersonQuerySet:
        """People whose consent to publication is in force (`publication_consent_q`)."""
        return self.filter(publication_consent_q())

    def not_publishable(self) -> PersonQuerySet:
        """People whose name may not be published: no consent, withdrawn, or processing consent gone."""
        return self.exclude(publication_consent_q())

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
