"""Factories of the expertise, with helpers that build a contest in the expertise end to end.

ExpertFactory(user=u, municipality=m)          # an expert's profile (the user gets the expert role)
CommissionFactory(contest=c, chair=e)          # a commission (chair becomes a member)
AssignmentFactory(application=a, expert=e)     # an assignment with its empty scoring sheet
submit_sheet(assignment, [3, 8])               # points per criterion (by position), submitted
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone

from novator.accounts.models import Role
from novator.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from novator.contests.models import Criterion
from novator.expertise.models import (
    Assignment,
    Commission,
    CommissionMember,
    ConflictDeclaration,
    Expert,
    Score,
    ScoreSheet,
)
from novator.organizations.tests.factories import MunicipalityFactory

#: the minutes' number and date the chair gives when confirming the results
MINUTES: dict[str, Any] = {"minutes_number": "1", "minutes_date": datetime.date(2023, 6, 1)}


class ExpertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Expert
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, last_name=factory.Sequence(lambda n: f"Экспертова{n}"))
    municipality = factory.SubFactory(MunicipalityFactory)

    @factory.post_generation
    def role(obj: Any, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and not obj.user.role_assignments.filter(role=Role.EXPERT).exists():
            RoleAssignmentFactory(user=obj.user, role=Role.EXPERT)


class CommissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commission
        skip_postgeneration_save = True

    chair = None
    secretary = None

    @factory.post_generation
    def chair_member(obj: Any, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and obj.chair is not None:
            CommissionMember.objects.get_or_create(commission=obj, expert=obj.chair)


class CommissionMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommissionMember

    commission = factory.SubFactory(CommissionFactory)
    expert = factory.SubFactory(ExpertFactory)
    max_load = None


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment
        skip_postgeneration_save = True

    expert = factory.SubFactory(ExpertFactory)

    @factory.post_generation
    def sheet(obj: Any, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            ScoreSheet.objects.get_or_create(assignment=obj)


class ConflictDeclarationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConflictDeclaration

    reason = "Работал в этой организации до 2023 года"


def submit_sheet(
    assignment: Assignment,
    points: Sequence[Any],
    *,
    conclusion: str = "Проект рекомендуется.",
    submitted_at: Any = None,
) -> ScoreSheet:
    """Score the criteria of the contest in order of position with `points`, and submit the sheet."""
    sheet, _ = ScoreSheet.objects.get_or_create(assignment=assignment)
    contest_id = assignment.application.contest_id
    criteria = list(
        Criterion.objects.filter(contest_id=contest_id, round=assignment.round).order_by("position", "pk")
    )
    assert len(criteria) == len(points), "one value per criterion"
    for criterion, value in zip(criteria, points, strict=True):
        Score.objects.update_or_create(
            sheet=sheet,
            criterion=criterion,
            defaults={
                "points": Decimal(str(value)),
                "comment": "" if value == criterion.max_points else "Ок",
            },
        )
    sheet.state = ScoreSheet.State.SUBMITTED
    sheet.conclusion = conclusion
    sheet.submitted_at = submitted_at or timezone.now()
    sheet.version += 1
    sheet.save()
    return sheet


def publish(commission: Commission) -> Commission:
    commission.assignments_published_at = timezone.now()
    commission.save(update_fields=["assignments_published_at"])
    return commission


def record_meeting(contest: Any, actor: Any = None, *, place: str = "МКУ «ИМЦ», ул. Ленина, 37") -> Any:
    """The meeting with every member present and every item adopted unanimously."""
    from novator.expertise import services
    from novator.expertise.models import CommissionMember

    members = list(CommissionMember.objects.filter(commission__contest=contest).values_list("pk", flat=True))
    votes = {item.position: services.Votes(len(members), 0, 0) for item in services.agenda(contest)}
    commission = contest.commission
    return services.meeting_record(
        actor=actor,
        contest=contest,
        number=commission.minutes_number or MINUTES["minutes_number"],
        date=commission.minutes_date or MINUTES["minutes_date"],
        place=place,
        present=members,
        votes=votes,
    )
