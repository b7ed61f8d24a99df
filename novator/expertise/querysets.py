"""Chainable filters for assignments and scoring sheets, scoped to the user."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from novator.accounts.scope import get_scope
from novator.contests.models import ApplicationState

from .conflicts import affiliated_roles, exclude_conflicted


class AssignmentQuerySet(models.QuerySet):
    def published(self) -> AssignmentQuerySet:
        return self.filter(application__contest__commission__assignments_published_at__isnull=False)

    def for_expert(self, user: Any) -> AssignmentQuerySet:
        """The expert's published assignments to applications in the expertise, without conflicts.

        The same rows as `exclude_conflicted(self.filter(expert__user=user, …).published())`, in a
        cheaper shape: the expert is one known row, so their id, organisation and municipality are
        uncorrelated subqueries, computed once, instead of joins of the expert and their organisation,
        and the declared conflicts are a `NOT IN` list of application ids instead of an anti-join. The
        query keeps four joins (application, contest, commission, applicant organisation): with a dozen
        tables PostgreSQL spent more time planning the expert's home page than running it.
        """
        if not get_scope(user).authenticated:
            return self.none()
        from .models import ConflictDeclaration, Expert

        profile = Expert.objects.filter(user=user)  # one row at most: the user is unique
        municipality = profile.annotate(m=Coalesce("municipality_id", "organization__municipality_id"))
        return (
            self.alias(
                _expert_organization=Subquery(profile.values("organization_id")),
                _expert_municipality=Subquery(municipality.values("m")),
            )
            .filter(expert_id=Subquery(profile.values("pk")), application__state=ApplicationState.ACCEPTED)
            .published()
            # conflicts.conflict_code for this one expert: declared, their organisation (the profile's,
            # and those where their account is a teacher or a coordinator), their municipality (their
            # own, else their organisation's) when the contest requires external experts
            .exclude(
                application_id__in=ConflictDeclaration.objects.filter(expert__user=user).values(
                    "application_id"
                )
            )
            .exclude(
                application__organization_id__in=affiliated_roles()
                .filter(user=user)
                .values("organization_id")
            )
            .filter(
                Q(_expert_organization__isnull=True)
                | ~Q(application__organization_id=F("_expert_organization"))
            )
            .filter(
                Q(
                    application__contest__require_external_experts=False,
                    application__contest__commission__exclude_own_municipality=False,
                )
                | Q(_expert_municipality__isnull=True)
                | ~Q(application__organization__municipality_id=F("_expert_municipality"))
            )
        )


class ScoreSheetQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> ScoreSheetQuerySet:
        """Experts: their own sheets of published, conflict-free assignments; the organiser's methodologists:
        the sheets of the contest; the chair: those of applications they are not in conflict with;
        administrators: all."""
        scope = get_scope(user)
        if scope.is_admin:
            return self
        if not scope.authenticated:
            return self.none()
        from .models import ConflictDeclaration

        own = exclude_conflicted(
            self.model.objects.filter(
                assignment__expert__user=user,
                assignment__application__state=ApplicationState.ACCEPTED,
                assignment__application__contest__commission__assignments_published_at__isnull=False,
            ),
            prefix="assignment__",
        ).values("pk")
        application = "assignment__application__"
        chair = f"{application}contest__commission__chair__"
        chaired = (
            self.model.objects.filter(**{f"{chair}user": user})
            .alias(
                _chair_org=F(f"{chair}organization_id"),
                _chair_mun=Coalesce(f"{chair}municipality_id", f"{chair}organization__municipality_id"),
                _chair_declared=Exists(
                    ConflictDeclaration.objects.filter(
                        expert__user=user, application_id=OuterRef(f"{application}id")
                    )
                ),
            )
            .filter(_chair_declared=False)
            .exclude(
                **{
                    f"{application}organization_id__in": affiliated_roles()
                    .filter(user=user)
                    .values("organization_id")
                }
            )
            .filter(Q(_chair_org__isnull=True) | ~Q(**{f"{application}organization_id": F("_chair_org")}))
            .filter(
                Q(
                    **{
                        f"{application}contest__require_external_experts": False,
                        f"{application}contest__commission__exclude_own_municipality": False,
                    }
                )
                | Q(_chair_mun__isnull=True)
                | ~Q(**{f"{application}organization__municipality_id": F("_chair_mun")})
            )
            .values("pk")
        )
        return self.filter(
            Q(pk__in=own)
            | Q(pk__in=chaired)
            | Q(
                **{f"{application}contest__organiser_municipality_id__in": scope.methodologist_municipalities}
            )
            | Q(**{f"{application}contest__organiser_region_id__in": scope.regional_regions})
        )
