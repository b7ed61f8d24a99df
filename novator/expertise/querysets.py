"""Chainable filters for assignments and scoring sheets, scoped to the user."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce

from novator.accounts.scope import get_scope
from novator.contests.models import ApplicationState

from .conflicts import exclude_conflicted


class AssignmentQuerySet(models.QuerySet):
    def published(self) -> AssignmentQuerySet:
        return self.filter(application__contest__commission__assignments_published_at__isnull=False)

    def for_expert(self, user: Any) -> AssignmentQuerySet:
        """The expert's published assignments to applications in the expertise, without conflicts."""
        if not get_scope(user).authenticated:
            return self.none()
        qs = self.filter(expert__user=user, application__state=ApplicationState.ACCEPTED).published()
        return exclude_conflicted(qs)


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
            .filter(Q(_chair_org__isnull=True) | ~Q(**{f"{application}organization_id": F("_chair_org")}))
            .filter(
                Q(**{f"{application}contest__require_external_experts": False})
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
        )
