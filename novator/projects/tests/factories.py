"""Factories and builders for the projects app.

ProgrammeFactory(municipality=m) / StageFactory(programme=p, academic_year="2022/23") / ResultFactory(stage=s)
make_project(organization, status=…, approved=True)   # through the services (actor=None), schedule included
full_passport(people=[…])                              # a passport that passes the completeness check
fill_report(report)                                    # a report ready to submit
answer(run, n)                                         # n anonymous respondents
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import factory

from novator.organizations.tests.factories import MunicipalityFactory, OrganizationFactory, PersonFactory
from novator.projects import services
from novator.projects.models import (
    InnovationProject,
    Programme,
    ProgrammeResult,
    ProgrammeStage,
    ProjectReport,
    SurveyRun,
)
from novator.statuses.tests.factories import StatusAssignmentFactory

D = datetime.date


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    title = factory.Sequence(lambda n: f"Программа развития инновационной инфраструктуры № {n + 1}")
    goal = "Совершенствование инновационной инфраструктуры межмуниципального взаимодействия"
    municipality = factory.SubFactory(MunicipalityFactory)
    starts_on = D(2021, 9, 1)
    ends_on = D(2024, 8, 31)
    is_published = True

    class Params:
        draft = factory.Trait(is_published=False)


class StageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeStage

    programme = factory.SubFactory(ProgrammeFactory)
    number = factory.Sequence(lambda n: n + 1)
    academic_year = factory.LazyAttribute(lambda o: f"{2020 + o.number}/{(21 + o.number) % 100:02d}")
    title = factory.Sequence(lambda n: f"Этап {n + 1}")
    tasks = "Разработать инструменты\nТиражировать продукт"
    weight = Decimal(1)


class ResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeResult

    stage = factory.SubFactory(StageFactory)
    title = factory.Sequence(lambda n: f"Результат {n + 1}")
    planned_value = Decimal(10)
    actual_value = Decimal(5)
    weight = Decimal(1)


def full_passport(
    people: list[Any] | None = None, *, years: tuple[str, ...] = ("2022/23", "2023/24", "2024/25")
) -> dict[str, Any]:
    people = people or []
    return {
        "theme": "Сетевое взаимодействие как ресурс развития",
        "goal": "Повысить долю педагогов, применяющих проектные технологии, с 20 до 60 %",
        "tasks": ["Провести диагностику", "Разработать программу", "Обучить педагогов"],
        "novelty": "Модель сетевого наставничества",
        "significance": "Методические рекомендации для школ района",
        "expected_results": "Доля педагогов — 60 %",
        "resources": "Творческая группа",
        "risks": "Перегрузка педагогов — распределение нагрузки",
        "indicators": [
            {
                "name": "Доля педагогов, применяющих проектные технологии",
                "unit": "%",
                "baseline": "20",
                "targets": {year: str(30 + 10 * i) for i, year in enumerate(years)},
            }
        ],
        "stages": [
            {
                "title": "Подготовительный",
                "starts_on": "2022-09-01",
                "ends_on": "2023-05-31",
                "activities": "Диагностика",
                "deliverables": "Аналитическая справка",
            }
        ],
        "team": [{"person": p.pk, "role": "участник"} for p in people]
        or [{"person": 0, "role": "руководитель"}],
        "partners": [],
    }


def make_project(
    organization: Any = None,
    *,
    status: Any = None,
    approved: bool = True,
    passport: dict[str, Any] | None = None,
    with_status: bool = True,
    starts_on: datetime.date | None = None,
) -> InnovationProject:
    """A project through the services (the system as actor); with a status (01.09.2022–31.08.2025) and
    its reports scheduled, and, when `approved`, an approved passport."""
    organization = organization or OrganizationFactory()
    if status is None and with_status:
        status = StatusAssignmentFactory(organization=organization, starts_on=starts_on or D(2022, 9, 1))
    project = services.project_create(
        actor=None,
        organization=organization,
        title="Сетевое взаимодействие как ресурс развития",
        status_assignment=status,
        starts_on=None if status else D(2022, 9, 1),
        ends_on=None if status else D(2025, 8, 31),
    )
    if approved:
        people = [PersonFactory(organization=organization) for _ in range(3)]
        services.passport_update(actor=None, project=project, changes=passport or full_passport(people))
        services.version_transition(actor=None, project=project, name="submit")
        services.version_transition(actor=None, project=project, name="approve")
    project.refresh_from_db()
    return project


def report_of(project: InnovationProject, year: str) -> ProjectReport:
    return project.reports.get(academic_year=year)


def fill_report(report: ProjectReport) -> ProjectReport:
    content = {
        "summary": "Итоги года: творческая группа провела семинары.",
        "stages": [{"title": "Подготовительный", "done": "Проведена диагностика"}],
        "indicators": [{"name": "Доля педагогов", "unit": "%", "planned": "30", "actual": "32"}],
        "products": "Методические рекомендации",
        "events": "Муниципальный семинар 15.03.2023",
    }
    return services.report_update(actor=None, report=report, content=content)


def make_run(
    organization: Any = None, *, year: str = "2023/24", closes_on: datetime.date = datetime.date(2024, 5, 31)
) -> SurveyRun:
    from novator.core.academic_year import AcademicYear

    place: Any = organization or OrganizationFactory()
    return services.survey_run_create(
        actor=None,
        organization=place,
        academic_year=AcademicYear.parse(year),
        closes_on=closes_on,
        today=D(2023, 9, 1),
    )


def answer(
    run: SurveyRun,
    n: int,
    value: int = 4,
    *,
    today: datetime.date = datetime.date(2024, 3, 15),
    prefix: str = "t",
) -> None:
    items = list(run.questionnaire.items.all())
    for i in range(n):
        services.survey_response_submit(
            actor=None,
            run=run,
            answers={item.pk: value for item in items},
            participant=f"{prefix}:{i}",
            today=today,
        )
