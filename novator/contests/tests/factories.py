"""Factories for contests and applications, with traits for the states of the workflow.

ContestFactory()                      # a draft status contest (МИП) of a new municipality
ContestFactory(announced=True)        # announced, the window open now
ContestFactory(closed=True)           # announced, the window closed yesterday
ContestFactory(expertise=True) / (decided=True) / (published=True)
ApplicationFactory(contest=c)         # a draft of an organisation of the organiser's municipality
ApplicationFactory(submitted=True) / (accepted=True) / (returned=True)
complete_application(application)     # fill every section and attach every required document
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from novator.contests.models import (
    Application,
    ApplicationDocument,
    ApplicationState,
    Category,
    Contest,
    ContestKind,
    ContestState,
    Criterion,
    FormSection,
    RequiredDocument,
    Round,
    RoundFormat,
)
from novator.organizations.tests.factories import MunicipalityFactory, OrganizationFactory
from novator.statuses.models import StatusKind, StatusLevel

STATUS_KINDS = {
    "MIP": ("МИП", "муниципальная инновационная площадка", StatusLevel.MUNICIPAL),
    "MLSV": ("МЛСВ", "муниципальный лидер сетевого взаимодействия", StatusLevel.MUNICIPAL),
    "KIP": ("КИП", "краевая инновационная площадка", StatusLevel.REGIONAL),
    "FIP": ("ФИП", "федеральная инновационная площадка", StatusLevel.FEDERAL),
}

#: The smallest file each check accepts as its type.
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def status_kind(code: str = "MIP") -> StatusKind:
    """The status kind with this code (the statuses app's data migration may have created it)."""
    abbreviation, name, level = STATUS_KINDS[code]
    kind, _ = StatusKind.objects.get_or_create(
        code=code, defaults={"abbreviation": abbreviation, "name": name, "level": level}
    )
    return kind


def _now() -> datetime.datetime:
    return timezone.now().replace(microsecond=0)


class ContestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contest
        skip_postgeneration_save = True

    kind = ContestKind.STATUS
    title = factory.Sequence(lambda n: f"Муниципальный конкурс на статус МИП № {n + 1}")
    status_kind = factory.LazyFunction(status_kind)
    organiser_municipality = factory.SubFactory(MunicipalityFactory)
    academic_year = "2026/27"
    opens_at = factory.LazyFunction(lambda: _now() - datetime.timedelta(days=10))
    closes_at = factory.LazyFunction(lambda: _now() + datetime.timedelta(days=20))
    threshold_value = Decimal(60)
    state = ContestState.DRAFT

    class Params:
        announced = factory.Trait(state=ContestState.ANNOUNCED)
        closed = factory.Trait(
            state=ContestState.ANNOUNCED,
            opens_at=factory.LazyFunction(lambda: _now() - datetime.timedelta(days=30)),
            closes_at=factory.LazyFunction(lambda: _now() - datetime.timedelta(days=1)),
        )
        expertise = factory.Trait(
            state=ContestState.EXPERTISE,
            opens_at=factory.LazyFunction(lambda: _now() - datetime.timedelta(days=30)),
            closes_at=factory.LazyFunction(lambda: _now() - datetime.timedelta(days=1)),
        )
        decided = factory.Trait(
            state=ContestState.DECIDED,
            opens_at=factory.LazyFunction(lambda: _now() - datetime.timedelta(days=60)),
            closes_at=factory.LazyFunction(lambda: _now() - datetime.timedelta(days=30)),
        )
        published = factory.Trait(
            state=ContestState.PUBLISHED,
            opens_at=factory.LazyFunction(lambda: _now() - datetime.timedelta(days=90)),
            closes_at=factory.LazyFunction(lambda: _now() - datetime.timedelta(days=60)),
            order_number="145-од",
            order_date=factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=3)),
            results_published_at=factory.LazyFunction(_now),
        )
        professional = factory.Trait(kind=ContestKind.PROFESSIONAL, status_kind=None)

    @factory.post_generation
    def eligible_municipalities(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.eligible_municipalities.set(extracted)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    contest = factory.SubFactory(ContestFactory)
    name = factory.Sequence(lambda n: f"Категория {n + 1}")
    organization_kinds = factory.LazyFunction(list)
    position = factory.Sequence(lambda n: n + 1)


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    contest = factory.SubFactory(ContestFactory)
    name = factory.Sequence(lambda n: f"Критерий {n + 1}")
    max_points = Decimal(3)
    weight = Decimal(1)
    position = factory.Sequence(lambda n: n + 1)


class FormSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FormSection

    contest = factory.SubFactory(ContestFactory)
    key = factory.Sequence(lambda n: f"section_{n + 1}")
    title = factory.Sequence(lambda n: f"Раздел {n + 1}")
    max_length = 3000
    required = True
    position = factory.Sequence(lambda n: n + 1)


class RequiredDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequiredDocument

    contest = factory.SubFactory(ContestFactory)
    title = factory.Sequence(lambda n: f"Документ {n + 1}")
    allowed_types = factory.LazyFunction(lambda: ["pdf"])
    max_size_mb = 10
    required = True
    position = factory.Sequence(lambda n: n + 1)


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    contest = factory.SubFactory(ContestFactory, announced=True)
    organization = factory.SubFactory(
        OrganizationFactory, municipality=factory.SelfAttribute("..contest.organiser_municipality")
    )
    project_title = factory.Sequence(lambda n: f"Инновационный проект {n + 1}")
    texts = factory.LazyFunction(dict)
    state = ApplicationState.DRAFT

    class Params:
        submitted = factory.Trait(
            state=ApplicationState.SUBMITTED,
            submitted_at=factory.LazyFunction(_now),
            number=factory.Sequence(lambda n: n + 1),
        )
        returned = factory.Trait(
            state=ApplicationState.RETURNED,
            submitted_at=factory.LazyFunction(_now),
            number=factory.Sequence(lambda n: n + 1),
            return_reason="Не приложена выписка из решения педсовета.",
            return_due=factory.LazyFunction(lambda: _now() + datetime.timedelta(days=5)),
        )
        accepted = factory.Trait(
            state=ApplicationState.ACCEPTED,
            submitted_at=factory.LazyFunction(_now),
            number=factory.Sequence(lambda n: n + 1),
        )
        rejected = factory.Trait(
            state=ApplicationState.REJECTED,
            submitted_at=factory.LazyFunction(_now),
            number=factory.Sequence(lambda n: n + 1),
            reject_reason="Организация не относится к кругу участников.",
        )


class ApplicationDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicationDocument

    application = factory.SubFactory(ApplicationFactory)
    requirement = factory.SubFactory(
        RequiredDocumentFactory, contest=factory.SelfAttribute("..application.contest")
    )
    file = factory.LazyFunction(lambda: ContentFile(PDF, name="document.pdf"))
    original_name = "Документ.pdf"
    file_type = "pdf"
    size = len(PDF)


def contest_with_setup(**kwargs: Any) -> Contest:
    """A contest with two categories (ДОУ, schools), two criteria, two sections and two documents."""
    contest: Contest = ContestFactory(**kwargs)  # type: ignore[assignment]
    CategoryFactory(contest=contest, name="ДОУ", organization_kinds=["preschool"], quota=1)
    CategoryFactory(contest=contest, name="СОШ", organization_kinds=["school"], quota=2)
    CriterionFactory(contest=contest, name="Актуальность")
    CriterionFactory(contest=contest, name="Новизна", max_points=Decimal(10), weight=Decimal("0.5"))
    FormSectionFactory(contest=contest, key="relevance", title="Актуальность", max_length=200)
    FormSectionFactory(contest=contest, key="goal", title="Цель", max_length=100)
    RequiredDocumentFactory(contest=contest, title="Заявка", allowed_types=["pdf"], max_size_mb=1)
    RequiredDocumentFactory(contest=contest, title="Проект", allowed_types=["pdf", "docx", "odt"])
    return contest


def complete_application(application: Application) -> Application:
    """Fill every section, choose the fitting category, attach every required document."""
    contest = application.contest
    application.texts = {s.key: f"Текст раздела «{s.title}»." for s in contest.sections.all()}
    if application.category_id is None:
        categories = list(contest.categories.all())
        fitting = [c for c in categories if application.organization.kind in c.organization_kinds]
        chosen = fitting or categories
        application.category = chosen[0] if chosen else None
    application.save()
    for requirement in contest.required_documents.all():
        ApplicationDocumentFactory(application=application, requirement=requirement)
    return application


def professional_contest(**kwargs: Any) -> Contest:
    """«Учитель года»: nominations «Математика» and «Начальная школа», a remote round (top 2 advance) and
    an in-person round, each with two criteria (max 10 and 5). Pass `expertise=True` etc. for the state."""
    kwargs.setdefault("title", "Учитель года — 2026")
    kwargs.setdefault("series", "Учитель года")
    kwargs.setdefault("comment_required_below_max", False)
    contest: Contest = ContestFactory(professional=True, **kwargs)  # type: ignore[assignment]
    CategoryFactory(contest=contest, name="Математика")
    CategoryFactory(contest=contest, name="Начальная школа")
    today = timezone.localdate()
    remote = Round.objects.create(
        contest=contest,
        position=1,
        title="Заочный тур: эссе и видеоурок",
        format=RoundFormat.REMOTE,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=7),
        advance_rule="top",
        advance_value=Decimal(2),
    )
    final = Round.objects.create(
        contest=contest,
        position=2,
        title="Очный тур: урок и мастер-класс",
        format=RoundFormat.IN_PERSON,
        starts_on=today + datetime.timedelta(days=8),
        ends_on=today + datetime.timedelta(days=9),
        advance_rule="top",
        advance_value=Decimal(1),
    )
    for item in (remote, final):
        CriterionFactory(
            contest=contest, round=item, name=f"Содержание ({item.position})", max_points=Decimal(10)
        )
        CriterionFactory(
            contest=contest, round=item, name=f"Методика ({item.position})", max_points=Decimal(5)
        )
    return contest
