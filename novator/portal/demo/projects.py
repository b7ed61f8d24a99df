"""Demo step of the projects app: the district's programme (КИП) with its three stages, projects of the
МЛСВ and МИП holders with their reports, a readiness survey in two organisations, roadmaps.

    load_projects(ctx)      # register in loader.STEPS after the contests steps

Everything goes through the services of `novator.projects` with `actor=None` (the system); historic
reports carry their dates through the services' `today=`/`now=`. Like the other steps it creates only what
is missing and never changes what exists — with one exception: a stage II result that was typed in because
the contests were not loaded yet is linked to its contest once the contest exists (and only if it still is
exactly as this step left it), so the actual value becomes counted, not typed.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from novator.contests.models import Contest, ContestKind
from novator.core.academic_year import AcademicYear
from novator.projects import services
from novator.projects.models import (
    InnovationProject,
    Programme,
    ProgrammeResult,
    ProjectReport,
    RoadmapMark,
    SurveyRun,
)
from novator.statuses.models import StatusAssignment, StatusKind

if TYPE_CHECKING:
    from .loader import DemoContext

D = datetime.date
PROGRAMME_TITLE = "Совершенствование инновационной инфраструктуры межмуниципального взаимодействия"
PROGRAMME_GOAL = (
    "Совершенствование инновационной инфраструктуры межмуниципального взаимодействия через развитие "
    "инновационного потенциала образовательных организаций (на примере Выселковского муниципального "
    "образования)."
)
PROGRAMME_NOVELTY = (
    "Новизна КИП в том, что, опираясь на российский педагогический опыт, в проектной деятельности обозначена "
    "система конкретных управленческих действий, технологических основ внедрения инновационной "
    "деятельности, разработаны методические рекомендации, которые обеспечивают не только эффективную "
    "подготовку и включение педагогического коллектива в инновационный процесс, но и дальнейшую работу с "
    "новшеством."
)
CONFERENCE = (
    "Муниципальная образовательная конференция «Инновационная деятельность в системе образования "
    "Выселковского района: результаты и новые решения в контексте национального проекта «Образование»»"
)


@dataclass(frozen=True)
class ContestResult:
    status: str  # StatusKind.code of the contest
    what: str  # "applications" or "winners"
    title: str
    planned: int


STAGE_II = (
    ContestResult("MLSV", "applications", "Конкурс на статус МЛСВ: участники (5 ДОУ, 4 СОШ)", 9),
    ContestResult("MLSV", "winners", "Статус МЛСВ присвоен (3 ДОУ, 2 СОШ)", 5),
    ContestResult("MIP", "applications", "Конкурс на статус МИП: участники (3 ДОУ, 4 СОШ)", 7),
    ContestResult("MIP", "winners", "Статус МИП присвоен (1 ДОУ, 2 СОШ)", 3),
)
UNITS = {"applications": "участников", "winners": "победителей"}


def load_projects(ctx: DemoContext) -> None:
    load_programme(ctx)
    load_holder_projects(ctx)
    load_surveys(ctx)
    load_roadmap_marks(ctx)


# ---------------------------------------------------------------------------------------------------
# The programme


def _contests(municipality: Any, year: str) -> dict[str, Contest]:
    contests = Contest.objects.filter(
        organiser_municipality=municipality, academic_year=year, kind=ContestKind.STATUS
    ).select_related("status_kind")
    return {c.status_kind.code: c for c in contests.order_by("opens_at") if c.status_kind}


def load_programme(ctx: DemoContext) -> None:
    vyselki = ctx.municipalities["vyselki"]
    programme = Programme.objects.filter(municipality=vyselki, title=PROGRAMME_TITLE).first()
    contests = _contests(vyselki, "2022/23")
    if programme is not None:
        _link_stage_ii(programme, contests)
        return
    programme = services.programme_create(
        actor=None,
        is_demo=True,
        data={
            "title": PROGRAMME_TITLE,
            "goal": PROGRAMME_GOAL,
            "novelty": PROGRAMME_NOVELTY,
            "description": "Краевая инновационная площадка МКУ «ИМЦ» муниципального образования "
            "Выселковский район.",
            "municipality": vyselki,
            "organizer": ctx.organizations.get("vyselki-imc"),
            "status_kind": StatusKind.objects.filter(code="KIP").first(),
            "starts_on": D(2021, 9, 1),
            "ends_on": D(2024, 8, 31),
            "is_published": True,
        },
    )
    ctx.made("programmes", programme)
    stage_i = services.stage_create(
        actor=None,
        programme=programme,
        data={
            "number": 1,
            "academic_year": "2021/22",
            "title": "Разработка методических инструментов и тиражирование методического продукта",
            "audience": "Административный корпус ДОУ, СОШ",
            "tasks": "Разработать методические инструменты управления инновационной деятельностью\n"
            "Подготовить инновационный проект и методический продукт\n"
            "Тиражировать методический продукт в образовательных организациях района",
        },
    )
    services.result_create(
        actor=None,
        stage=stage_i,
        data={
            "title": CONFERENCE,
            "unit": "конференция",
            "planned_value": Decimal(1),
            "actual_value": Decimal(1),
        },
    )
    stage_ii = services.stage_create(
        actor=None,
        programme=programme,
        data={
            "number": 2,
            "academic_year": "2022/23",
            "title": "Развитие инновационного потенциала образовательных организаций",
            "audience": "ДОУ, СОШ района",
            "tasks": "Провести муниципальный конкурс на статус муниципального лидера сетевого "
            "взаимодействия (МЛСВ)\n"
            "Провести муниципальный конкурс на статус муниципальной инновационной площадки (МИП)",
        },
    )
    for position, spec in enumerate(STAGE_II, start=1):
        contest = contests.get(spec.status)
        data: dict[str, Any] = {
            "title": spec.title,
            "unit": UNITS[spec.what],
            "planned_value": Decimal(spec.planned),
            "position": position,
        }
        if contest is not None:
            data.update(source=f"contest.{spec.what}", target=str(contest.pk))
        else:  # the contests are not loaded: the figures of the source document, typed in
            data["actual_value"] = Decimal(spec.planned)
        services.result_create(actor=None, stage=stage_ii, data=data)
    stage_iii = services.stage_create(
        actor=None,
        programme=programme,
        data={
            "number": 3,
            "academic_year": "2023/24",
            "title": "Развитие системы инновационного движения",
            "audience": "Педагоги и образовательные организации района и соседних муниципалитетов",
            "tasks": "Провести традиционные образовательные конкурсы муниципального и "
            "межмуниципального уровня\n"
            "Включить победителей конкурсов в сетевое взаимодействие",
        },
    )
    professional = Contest.objects.filter(
        organiser_municipality=vyselki, academic_year="2023/24", kind=ContestKind.PROFESSIONAL
    ).order_by("title")
    if professional:
        for position, contest in enumerate(professional, start=1):
            services.result_create(
                actor=None,
                stage=stage_iii,
                data={
                    "title": contest.title,
                    "source": "contest.applications",
                    "target": str(contest.pk),
                    "unit": "участников",
                    "position": position,
                },
            )
    else:
        services.result_create(
            actor=None,
            stage=stage_iii,
            data={
                "title": "Традиционные образовательные конкурсы муниципального и межмуниципального уровня "
                "(«Учитель года», «Воспитатель года», «Сердце отдаю детям»)",
                "unit": "конкурса",
                "planned_value": Decimal(3),
                "actual_value": Decimal(3),
            },
        )


def _link_stage_ii(programme: Programme, contests: dict[str, Contest]) -> None:
    """Link the typed stage II results to the contests that have appeared since."""
    if not contests:
        return
    results = {
        r.title: r
        for r in ProgrammeResult.objects.filter(
            stage__programme=programme, stage__academic_year="2022/23", source=""
        )
    }
    for spec in STAGE_II:
        result, contest = results.get(spec.title), contests.get(spec.status)
        if result is None or contest is None or result.actual_value != Decimal(spec.planned):
            continue
        services.result_update(
            actor=None,
            result=result,
            data={"source": f"contest.{spec.what}", "target": str(contest.pk), "actual_value": None},
        )


# ---------------------------------------------------------------------------------------------------
# Projects of the МЛСВ and МИП holders, with their reports

#: (organisation key, what happens to the reports already due: the last one's state, passport draft)
PLANS: tuple[tuple[str, str, bool], ...] = (
    ("vyselki-school-1", "returned", False),
    ("vyselki-school-12", "overdue", False),
    ("vyselki-dou-5", "accepted", False),
    ("vyselki-dou-14", "submitted", True),
)
TEAM_ROLES = ("руководитель проекта", "координатор творческой группы", "участник творческой группы")


def _holders(ctx: DemoContext) -> dict[str, StatusAssignment]:
    ids = {ctx.organizations[key].pk: key for key, _, _ in PLANS if key in ctx.organizations}
    statuses = (
        StatusAssignment.objects.filter(organization_id__in=ids, kind__code__in=["MIP", "MLSV"])
        .select_related("kind", "organization")
        .order_by("starts_on", "id")
    )
    return {ids[s.organization_id]: s for s in statuses}


def _passport_extra(
    status: StatusAssignment, people: list[Any], application_texts: dict[str, Any]
) -> dict[str, Any]:
    first = AcademicYear.of(status.starts_on)
    last = AcademicYear.of(status.ends_on)
    years = [AcademicYear(y) for y in range(first.start_year, last.start_year + 1)]
    is_network = status.kind.code == "MLSV"
    indicator = (
        ("Организации-партнёры, включённые в сетевое взаимодействие", "организаций", "1", 2)
        if is_network
        else ("Доля педагогов, применяющих новые методы работы", "%", "25", 15)
    )
    name, unit, baseline, step = indicator
    base = Decimal(baseline)
    goal = application_texts.get("goal") or "Повысить качество образования через введение новшества."
    missing: dict[str, Any] = {}
    if not application_texts.get("novelty"):
        missing["novelty"] = "Система управленческих действий по включению педагогов в инновационную работу."
    if not application_texts.get("tasks"):
        missing["tasks"] = [
            "Провести диагностику готовности педагогов",
            "Создать творческую группу и разработать план-график",
            "Апробировать и описать методический продукт",
        ]
    return {
        **missing,
        "goal": goal,
        "significance": "Методические материалы проекта могут применять образовательные организации района; "
        "опыт представляется на муниципальной конференции и краевом фестивале образовательных инноваций.",
        "expected_results": application_texts.get("expected_results")
        or "Методический продукт, подготовленные педагоги, сеть партнёров.",
        "indicators": [
            {
                "name": name,
                "unit": unit,
                "baseline": baseline,
                "targets": {str(y): str(base + step * (i + 1)) for i, y in enumerate(years)},
            },
            {
                "name": "Открытые мероприятия для педагогов района",
                "unit": "мероприятий",
                "baseline": "0",
                "targets": {str(y): "2" for y in years},
            },
        ],
        "stages": [
            {
                "title": "Подготовительный",
                "starts_on": status.starts_on.isoformat(),
                "ends_on": min(status.ends_on, D(first.start_year + 1, 5, 31)).isoformat(),
                "activities": "Анализ условий, создание творческой группы, локальные акты, план-график.",
                "deliverables": "Приказ о творческой группе, план-график",
            },
            {
                "title": "Основной",
                "starts_on": max(status.starts_on, D(first.start_year + 1, 9, 1)).isoformat(),
                "ends_on": min(status.ends_on, D(last.start_year, 5, 31)).isoformat(),
                "activities": "Реализация задач проекта, апробация материалов, открытые мероприятия.",
                "deliverables": "Апробированные материалы, сценарии мероприятий",
            },
            {
                "title": "Обобщающий",
                "starts_on": max(status.starts_on, D(last.start_year, 6, 1)).isoformat(),
                "ends_on": status.ends_on.isoformat(),
                "activities": "Анализ результатов, оформление методического продукта, представление опыта.",
                "deliverables": "Методический продукт, аналитическая справка",
            },
        ],
        "team": [{"person": p.pk, "role": TEAM_ROLES[min(i, 2)]} for i, p in enumerate(people)],
    }


def _staff(ctx: DemoContext, organization: Any) -> list[Any]:
    people = [p for p in ctx.people.values() if p.organization_id == organization.pk]
    return sorted(
        people, key=lambda p: (p.position != "директор" and p.position != "заведующий", p.last_name)
    )[:4]


def _report_content(report: ProjectReport, year_index: int) -> dict[str, Any]:
    passport = report.project.approved_version.passport if report.project.approved_version else {}
    indicators = []
    for row in passport.get("indicators", []):
        planned = row.get("targets", {}).get(report.academic_year)
        actual = planned if planned is None else str(Decimal(planned) + (1 if year_index % 2 else 0))
        indicators.append(
            {"name": row["name"], "unit": row.get("unit", ""), "planned": planned, "actual": actual}
        )
    return {
        "summary": f"В {report.academic_year} учебном году творческая группа выполнила задачи этапа по "
        "плану-графику; результаты обсуждены на педагогическом совете.",
        "stages": [
            {"title": s["title"], "done": "Мероприятия этапа проведены в срок; продукты этапа подготовлены."}
            for s in passport.get("stages", [])
        ],
        "indicators": indicators,
        "products": "Методические рекомендации по итогам года; сборник сценариев занятий.",
        "events": f"Муниципальный семинар-практикум для педагогов района ({report.academic_year}); "
        "мастер-класс на краевом фестивале образовательных инноваций.",
    }


def _moment(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(11, 0)))


def _play_reports(project: InnovationProject, last_state: str, today: datetime.date) -> None:
    """Fill and review the reports already due; the last of them ends in `last_state`."""
    due = list(project.reports.filter(due_on__lt=today).order_by("due_on"))
    for index, report in enumerate(due):
        state = last_state if index == len(due) - 1 else "accepted"
        if state == "overdue":
            continue
        report.project = project
        services.report_update(actor=None, report=report, content=_report_content(report, index))
        submitted = report.due_on - datetime.timedelta(days=5)
        services.report_transition(
            actor=None, report=report, name="submit", today=submitted, now=_moment(submitted)
        )
        decided = report.due_on + datetime.timedelta(days=10)
        if state == "accepted":
            extra: dict[str, Any] = {}
            if report.kind == "final":
                status = project.status_assignment
                assert status is not None
                extra = {
                    "outcome": "extend",
                    "proposed_ends_on": D(status.ends_on.year + 3, status.ends_on.month, 14),
                }
            services.report_transition(
                actor=None, report=report, name="accept", today=decided, now=_moment(decided), **extra
            )
        elif state == "returned":
            services.report_transition(
                actor=None,
                report=report,
                name="return",
                reason="Дополните раздел о мероприятиях: укажите даты, уровень и число участников; приложите "
                "программу семинара.",
                today=today,
                fixes_due_on=today + datetime.timedelta(days=14),
            )


def load_holder_projects(ctx: DemoContext) -> None:
    holders = _holders(ctx)
    existing = set(
        InnovationProject.objects.filter(status_assignment__in=list(holders.values())).values_list(
            "status_assignment_id", flat=True
        )
    )
    today = timezone.localdate()
    for key, last_state, with_draft in PLANS:
        status = holders.get(key)
        if status is None or status.pk in existing:
            continue
        application = getattr(status, "application", None)
        project = services.project_create(
            actor=None,
            organization=status.organization,
            title=status.project_title
            or (application.project_title if application else "Инновационный проект"),
            application=application,
            status_assignment=status,
            is_demo=True,
        )
        texts = application.texts if application is not None and isinstance(application.texts, dict) else {}
        services.passport_update(
            actor=None,
            project=project,
            changes=_passport_extra(status, _staff(ctx, status.organization), texts),
        )
        approved_at = _moment(status.starts_on + datetime.timedelta(days=20))
        services.version_transition(actor=None, project=project, name="submit", now=approved_at)
        services.version_transition(actor=None, project=project, name="approve", now=approved_at)
        project = InnovationProject.objects.select_related("approved_version", "status_assignment").get(
            pk=project.pk
        )
        _play_reports(project, last_state, today)
        if with_draft:
            services.passport_update(
                actor=None,
                project=project,
                changes={
                    "risks": "Перегрузка педагогов — перераспределение нагрузки внутри творческой группы; "
                    "смена состава группы — наставничество для новых участников."
                },
            )
        ctx.made("projects", project)


# ---------------------------------------------------------------------------------------------------
# The readiness survey

#: (organisation key, respondents this year, respondents last year, the mean the answers lean to)
SURVEYS: tuple[tuple[str, int, int, float], ...] = (
    ("vyselki-school-1", 8, 7, 3.9),
    ("vyselki-dou-5", 6, 0, 4.2),
    ("vyselki-school-12", 3, 0, 3.4),  # under the threshold: its results stay hidden
)


def _answers(run: SurveyRun, n: int, lean: float, seed: str, day: datetime.date) -> None:
    rng = random.Random(seed)  # noqa: S311 - demo answers, not security
    items = list(run.questionnaire.items.all())
    for i in range(n):
        person = lean + rng.uniform(-0.8, 0.8)
        answers = {}
        for item in items:
            value = round(person + rng.uniform(-1.2, 1.2))
            value = min(5, max(1, 6 - value if item.reversed else value))
            answers[item.pk] = value
        services.survey_response_submit(
            actor=None, run=run, answers=answers, participant=f"demo:{seed}:{i}", today=day
        )


def load_surveys(ctx: DemoContext) -> None:
    today = timezone.localdate()
    this_year = AcademicYear.of(today)
    last_year = AcademicYear(this_year.start_year - 1)
    organizations = {key: ctx.organizations[key] for key, *_ in SURVEYS if key in ctx.organizations}
    existing = set(
        SurveyRun.objects.filter(organization__in=list(organizations.values())).values_list(
            "organization_id", "academic_year"
        )
    )
    for key, now_n, before_n, lean in SURVEYS:
        organization = organizations.get(key)
        if organization is None:
            continue
        if before_n and (organization.pk, str(last_year)) not in existing:
            start = last_year.starts + datetime.timedelta(days=20)
            run = services.survey_run_create(
                actor=None,
                organization=organization,
                academic_year=last_year,
                closes_on=start + datetime.timedelta(days=30),
                today=start,
                is_demo=True,
            )
            _answers(run, before_n, lean - 0.4, f"{key}:{last_year}", start + datetime.timedelta(days=3))
            services.survey_run_close(actor=None, run=run)
            ctx.made("surveys", run)
        if (organization.pk, str(this_year)) not in existing:
            closes = min(this_year.ends, today + datetime.timedelta(days=30))
            run = services.survey_run_create(
                actor=None,
                organization=organization,
                academic_year=this_year,
                closes_on=closes,
                today=today,
                is_demo=True,
            )
            _answers(run, now_n, lean, f"{key}:{this_year}", today)
            ctx.made("surveys", run)


# ---------------------------------------------------------------------------------------------------
# Roadmaps: most steps are detected from the objects above; a few are ticked by hand

MARKS: tuple[tuple[str, str, str], ...] = (
    (
        "vyselki-school-16",
        "diagnostics",
        "Анкетирование педагогов проведено на бумажных бланках (21 человек); "
        "аналитическая справка рассмотрена на педагогическом совете.",
    ),
    (
        "vyselki-school-16",
        "goal_setting",
        "Цель и задачи инновационной работы утверждены решением педагогического совета (протокол № 2).",
    ),
    (
        "vyselki-dou-14",
        "diagnostics",
        "Проведена диагностика готовности воспитателей по анкете ИМЦ; 14 ответов.",
    ),
    ("vyselki-school-2", "diagnostics", "Проблемно-ориентированный анализ выполнен администрацией школы."),
)


def load_roadmap_marks(ctx: DemoContext) -> None:
    keys = {key for key, _, _ in MARKS if key in ctx.organizations}
    existing = set(
        RoadmapMark.objects.filter(organization__in=[ctx.organizations[k] for k in keys]).values_list(
            "organization_id", "step"
        )
    )
    day = timezone.localdate()
    for key, step, note in MARKS:
        organization = ctx.organizations.get(key)
        if organization is None or (organization.pk, step) in existing:
            continue
        mark = services.roadmap_mark(
            actor=None, organization=organization, step=step, note=note, on=day, is_demo=True
        )
        ctx.made("roadmap marks", mark)
