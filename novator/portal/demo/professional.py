"""Demo step of the professional contests: «Учитель года — 2024» and «Воспитатель года — 2024» of the
Vyselki district, run end to end through the services with their 2024 dates.

Each contest has nominations (categories), a remote round (portfolio, essay, video) and an in-person
round (a lesson or an activity with children and a master class), a jury per round, the advancement
recorded by the operator, the final places, the order, the published results with diplomas and the
winners' nomination to the regional stage. Three nominees have not consented to publication: the public
results show only their organisation and result.

Like the other steps it finds the contests that exist (by organiser, title and academic year) with one
query and creates only the missing ones; an existing contest is never touched.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.utils import translation

from novator.contests import services as contest_services
from novator.contests.models import Application, Contest, ContestKind, ContestState, Round, ThresholdKind
from novator.expertise import services as expertise_services
from novator.expertise.models import Expert, ScoreSheet
from novator.organizations import services as org_services
from novator.organizations.models import Person

if TYPE_CHECKING:
    from .loader import DemoContext

MSK = ZoneInfo("Europe/Moscow")


def _at(y: int, m: int, d: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(y, m, d, hour, 0, tzinfo=MSK)


@dataclass(frozen=True)
class CriterionSpec:
    name: str
    max_points: int


@dataclass(frozen=True)
class RoundSpec:
    title: str
    format: str
    tasks: str
    starts_on: datetime.date
    ends_on: datetime.date
    advance_rule: str
    advance_value: Decimal
    criteria: tuple[CriterionSpec, ...]
    jury: tuple[str, ...]  # expert usernames (contest_data.EXPERTS)


@dataclass(frozen=True)
class NomineeSpec:
    organization: str  # registry OrgSpec.key
    last_name: str
    first_name: str
    middle_name: str
    position: str
    nomination: str
    experience_years: int
    theme: str
    strength: tuple[Decimal, ...]  # the share of the maximum the jury gives, per round
    publication_consent: bool = True


@dataclass(frozen=True)
class ProfessionalSpec:
    title: str
    series: str
    academic_year: str
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    score_formula: str
    places: int
    nominations: tuple[str, ...]
    rounds: tuple[RoundSpec, ...]
    nominees: tuple[NomineeSpec, ...]
    confirmed_at: datetime.datetime
    order: tuple[str, datetime.date]
    published_at: datetime.datetime
    regulation: str


D = Decimal
_d = datetime.date

TEACHER = ProfessionalSpec(
    title="Учитель года — 2024",
    series="Учитель года",
    academic_year="2023/24",
    opens_at=_at(2024, 1, 15, 9),
    closes_at=_at(2024, 2, 5, 18),
    score_formula="sum",
    places=2,
    nominations=("Начальные классы", "Естественно-математический цикл", "Гуманитарный цикл"),
    rounds=(
        RoundSpec(
            "Заочный тур",
            "remote",
            "Интернет-портфолио; эссе «Я — учитель»; видеоролик «Визитная карточка» (до 3 минут).",
            _d(2024, 2, 12),
            _d(2024, 2, 22),
            "top",
            D(2),
            (
                CriterionSpec("Интернет-портфолио", 10),
                CriterionSpec("Эссе «Я — учитель»", 15),
                CriterionSpec("Видеоролик «Визитная карточка»", 15),
            ),
            ("expert2", "expert3", "expert4"),
        ),
        RoundSpec(
            "Очный тур",
            "in_person",
            "Учебное занятие (урок в незнакомом классе); мастер-класс; круглый стол «Педагогический совет».",
            _d(2024, 3, 4),
            _d(2024, 3, 6),
            "top",
            D(1),
            (
                CriterionSpec("Учебное занятие", 30),
                CriterionSpec("Мастер-класс", 20),
                CriterionSpec("Круглый стол", 10),
            ),
            ("chair", "expert2", "expert3"),
        ),
    ),
    nominees=(
        NomineeSpec(
            "vyselki-school-1",
            "Литвиненко",
            "Ольга",
            "Викторовна",
            "учитель начальных классов",
            "Начальные классы",
            12,
            "Смысловое чтение в начальной школе",
            (D("0.92"), D("0.90")),
        ),
        NomineeSpec(
            "vyselki-school-5",
            "Кравченко",
            "Анастасия",
            "Игоревна",
            "учитель начальных классов",
            "Начальные классы",
            6,
            "Проектная задача на уроках окружающего мира",
            (D("0.85"), D("0.80")),
        ),
        NomineeSpec(
            "vyselki-school-9",
            "Мельник",
            "Татьяна",
            "Андреевна",
            "учитель начальных классов",
            "Начальные классы",
            4,
            "Игровые технологии в 1 классе",
            (D("0.70"), D("0.75")),
            publication_consent=False,
        ),
        NomineeSpec(
            "vyselki-school-12",
            "Ткаченко",
            "Дмитрий",
            "Сергеевич",
            "учитель физики",
            "Естественно-математический цикл",
            9,
            "Цифровая лаборатория на уроках физики",
            (D("0.88"), D("0.94")),
        ),
        NomineeSpec(
            "vyselki-school-20",
            "Савченко",
            "Ирина",
            "Павловна",
            "учитель математики",
            "Естественно-математический цикл",
            15,
            "Математические бои как форма урока",
            (D("0.90"), D("0.84")),
        ),
        NomineeSpec(
            "vyselki-school-7",
            "Гребенюк",
            "Алексей",
            "Николаевич",
            "учитель химии",
            "Естественно-математический цикл",
            5,
            "Исследовательский эксперимент в 8 классе",
            (D("0.72"), D("0.70")),
        ),
        NomineeSpec(
            "vyselki-school-18",
            "Остапенко",
            "Марина",
            "Юрьевна",
            "учитель русского языка и литературы",
            "Гуманитарный цикл",
            18,
            "Медленное чтение классики",
            (D("0.86"), D("0.91")),
        ),
        NomineeSpec(
            "vyselki-school-14",
            "Коваленко",
            "Елена",
            "Владимировна",
            "учитель истории",
            "Гуманитарный цикл",
            7,
            "Кубанская история в лицах",
            (D("0.84"), D("0.82")),
            publication_consent=False,
        ),
    ),
    confirmed_at=_at(2024, 3, 7, 15),
    order=("38-од", _d(2024, 3, 11)),
    published_at=_at(2024, 3, 12, 11),
    regulation=(
        "Положение о муниципальном этапе Всероссийского конкурса «Учитель года России» в 2024 году.\n"
        "Участники — педагоги общеобразовательных организаций Выселковского района со стажем педагогической "
        "работы не менее 3 лет; руководители и их заместители не участвуют; победители муниципального "
        "этапа последних 3 лет не участвуют.\n"
        "Конкурс проводится в два тура: заочный (интернет-портфолио, эссе, видеоролик) и очный (учебное "
        "занятие, мастер-класс, круглый стол). В очный тур выходят по два лучших участника каждой номинации; "
        "итог — сумма баллов двух туров. Победитель представляет район на региональном этапе."
    ),
)

EDUCATOR = ProfessionalSpec(
    title="Воспитатель года — 2024",
    series="Воспитатель года",
    academic_year="2023/24",
    opens_at=_at(2024, 1, 22, 9),
    closes_at=_at(2024, 2, 12, 18),
    score_formula="last",
    places=2,
    nominations=("Воспитатель", "Специалист дошкольной организации"),
    rounds=(
        RoundSpec(
            "Заочный тур",
            "remote",
            "Портфолио; эссе «Я — педагог»; видеозапись занятия с детьми.",
            _d(2024, 2, 19),
            _d(2024, 2, 29),
            "threshold",
            D(28),
            (
                CriterionSpec("Портфолио", 10),
                CriterionSpec("Эссе «Я — педагог»", 10),
                CriterionSpec("Видеозанятие", 20),
            ),
            ("expert4", "expert2", "expert"),
        ),
        RoundSpec(
            "Очный тур",
            "in_person",
            "Педагогическое мероприятие с детьми; мастер-класс для коллег.",
            _d(2024, 3, 12),
            _d(2024, 3, 14),
            "top",
            D(1),
            (CriterionSpec("Мероприятие с детьми", 30), CriterionSpec("Мастер-класс", 20)),
            ("chair", "expert4", "expert"),
        ),
    ),
    nominees=(
        NomineeSpec(
            "vyselki-dou-1",
            "Бондарь",
            "Светлана",
            "Алексеевна",
            "воспитатель",
            "Воспитатель",
            11,
            "Детская журналистика в старшей группе",
            (D("0.90"), D("0.93")),
        ),
        NomineeSpec(
            "vyselki-dou-6",
            "Шульга",
            "Наталья",
            "Олеговна",
            "воспитатель",
            "Воспитатель",
            8,
            "Казачьи игры на прогулке",
            (D("0.86"), D("0.88")),
        ),
        NomineeSpec(
            "vyselki-dou-22",
            "Приходько",
            "Юлия",
            "Сергеевна",
            "воспитатель",
            "Воспитатель",
            3,
            "Сенсорная тропа для малышей",
            (D("0.62"), D("0.70")),
            publication_consent=False,
        ),
        NomineeSpec(
            "vyselki-dou-14",
            "Дьяченко",
            "Оксана",
            "Викторовна",
            "музыкальный руководитель",
            "Специалист дошкольной организации",
            14,
            "Шумовой оркестр из бросового материала",
            (D("0.82"), D("0.90")),
        ),
        NomineeSpec(
            "vyselki-dou-10",
            "Лысенко",
            "Андрей",
            "Петрович",
            "инструктор по физической культуре",
            "Специалист дошкольной организации",
            6,
            "Степ-аэробика для дошкольников",
            (D("0.88"), D("0.85")),
        ),
    ),
    confirmed_at=_at(2024, 3, 15, 15),
    order=("41-од", _d(2024, 3, 18)),
    published_at=_at(2024, 3, 19, 11),
    regulation=(
        "Положение о муниципальном этапе Всероссийского профессионального конкурса «Воспитатель года России» "
        "в 2024 году.\nУчастники — педагоги дошкольных образовательных организаций Выселковского района со "
        "стажем не менее 3 лет. Заочный тур: портфолио, эссе, видеозанятие; в очный тур выходят участники, "
        "набравшие не менее 28 баллов. Итог определяется по баллам очного тура. Победитель представляет "
        "район на региональном этапе."
    ),
)

CONTESTS = (TEACHER, EDUCATOR)
#: jurors' leniency: each juror's points differ from the nominee's level by this many points
JUROR_OFFSETS = (D(0), D("-0.5"), D("0.5"))
NEXT_STAGE = "Региональный этап конкурса (Краснодарский край)"


def load_professional(ctx: DemoContext) -> None:
    vyselki = ctx.municipalities["vyselki"]
    existing = set(
        Contest.objects.filter(
            organiser_municipality=vyselki,
            title__in=[s.title for s in CONTESTS],
            kind=ContestKind.PROFESSIONAL,
        ).values_list("title", "academic_year")
    )
    missing = [s for s in CONTESTS if (s.title, s.academic_year) not in existing]
    if not missing:
        return
    usernames = {u for s in missing for r in s.rounds for u in r.jury}
    experts = {
        e.user.username: e
        for e in Expert.objects.filter(user__username__in=usernames).select_related("user", "organization")
    }
    with translation.override("ru"):
        for spec in missing:
            _run(ctx, spec, experts)


def _person(ctx: DemoContext, spec: NomineeSpec) -> Person:
    organization = ctx.organizations[spec.organization]
    person = Person.objects.filter(
        organization=organization,
        last_name=spec.last_name,
        first_name=spec.first_name,
        middle_name=spec.middle_name,
    ).first()
    if person is None:
        person = org_services.person_create(
            actor=None,
            data={
                "organization": organization,
                "last_name": spec.last_name,
                "first_name": spec.first_name,
                "middle_name": spec.middle_name,
                "position": spec.position,
                "processing_consent_on": _d(2024, 1, 20),
                "publication_consent_on": _d(2024, 1, 20) if spec.publication_consent else None,
            },
            is_demo=True,
        )
        ctx.made("professional_nominees", person)
    return person


def _points(maximum: int, strength: Decimal, offset: Decimal) -> Decimal:
    value = (D(maximum) * strength + offset) * 2
    half = value.quantize(D(1), rounding=ROUND_HALF_UP) / 2
    return max(D(0), min(D(maximum), half))


def _run(ctx: DemoContext, spec: ProfessionalSpec, experts: dict[str, Expert]) -> None:
    contest = contest_services.contest_create(
        actor=None,
        data={
            "kind": ContestKind.PROFESSIONAL,
            "title": spec.title,
            "series": spec.series,
            "organiser_municipality": ctx.municipalities["vyselki"],
            "academic_year": spec.academic_year,
            "regulation_text": spec.regulation,
            "opens_at": spec.opens_at,
            "closes_at": spec.closes_at,
            "threshold_kind": ThresholdKind.POINTS,
            "threshold_value": D(0),
            "comment_required_below_max": False,
            "min_experience_years": 3,
            "exclude_administrators": True,
            "exclude_winners_years": 3,
            "score_formula": spec.score_formula,
            "laureates_per_nomination": spec.places,
            "next_stage_title": NEXT_STAGE,
        },
        is_demo=True,
    )
    ctx.made("professional_contests", f"{contest} ({contest.academic_year})")
    nominations = {
        name: contest_services.category_create(actor=None, contest=contest, data={"name": name})
        for name in spec.nominations
    }
    rounds: list[Round] = []
    for position, round_spec in enumerate(spec.rounds, start=1):
        round = contest_services.round_create(
            actor=None,
            contest=contest,
            data={
                "title": round_spec.title,
                "format": round_spec.format,
                "tasks": round_spec.tasks,
                "starts_on": round_spec.starts_on,
                "ends_on": round_spec.ends_on,
                "advance_rule": round_spec.advance_rule,
                "advance_value": round_spec.advance_value,
                "position": position,
            },
        )
        for criterion in round_spec.criteria:
            contest_services.criterion_create(
                actor=None,
                contest=contest,
                data={
                    "name": criterion.name,
                    "max_points": D(criterion.max_points),
                    "weight": D(1),
                    "round": round,
                },
            )
        rounds.append(round)
    submitted = spec.opens_at + datetime.timedelta(days=3)
    contest = contest_services.contest_transition(
        actor=None, contest=contest, name="announce", now=spec.opens_at
    )
    applications: dict[int, NomineeSpec] = {}
    for index, nominee in enumerate(spec.nominees):
        person = _person(ctx, nominee)
        application = contest_services.application_create(
            actor=None,
            contest=contest,
            organization=person.organization,
            data={
                "project_title": nominee.theme,
                "category": nominations[nominee.nomination],
                "applicant": person,
                "experience_years": nominee.experience_years,
            },
            is_demo=True,
        )
        moment = submitted + datetime.timedelta(hours=5 * index)
        contest_services.application_transition(
            actor=None, application=application, name="submit", now=moment
        )
        contest_services.application_transition(
            actor=None, application=application, name="accept", now=moment + datetime.timedelta(days=1)
        )
        applications[application.pk] = nominee
    contest = contest_services.contest_transition(
        actor=None, contest=contest, name="start_expertise", now=spec.closes_at + datetime.timedelta(hours=1)
    )
    expertise_services.commission_setup(
        actor=None, contest=contest, chair=experts["chair"], secretary=ctx.users.get("methodist")
    )
    for index, (round, round_spec) in enumerate(zip(rounds, spec.rounds, strict=True)):
        for username in round_spec.jury:
            expertise_services.round_juror_add(actor=None, round=round, expert=experts[username])
        opened = datetime.datetime.combine(round_spec.starts_on, datetime.time(9), tzinfo=MSK)
        expertise_services.round_open(actor=None, round=round, now=opened)
        _score(round, round_spec, applications, index)
        closed = datetime.datetime.combine(round_spec.ends_on, datetime.time(17), tzinfo=MSK)
        expertise_services.round_advance(actor=None, round=round, now=closed)
    expertise_services.professional_results_confirm(actor=None, contest=contest, now=spec.confirmed_at)
    contest_services.contest_record_order(
        actor=None, contest=contest, number=spec.order[0], date=spec.order[1]
    )
    contest_services.contest_transition(
        actor=None, contest=contest, name="publish_results", now=spec.published_at
    )
    for winner in Application.objects.filter(contest=contest, distinction="winner"):
        contest_services.application_nominate_next_stage(
            actor=None, application=winner, now=spec.published_at + datetime.timedelta(days=2)
        )
    contest.refresh_from_db()
    assert contest.state == ContestState.PUBLISHED


def _score(round: Round, spec: RoundSpec, applications: dict[int, NomineeSpec], index: int) -> None:
    criteria = list(round.criteria.order_by("position", "pk"))
    sheets = ScoreSheet.objects.filter(assignment__round=round).select_related("assignment__expert__user")
    jury = list(spec.jury)
    for sheet in sheets:
        nominee = applications[sheet.assignment.application_id]
        offset = JUROR_OFFSETS[jury.index(sheet.assignment.expert.user.username) % len(JUROR_OFFSETS)]
        scores = {
            c.pk: {"points": _points(int(c.max_points), nominee.strength[index], offset)} for c in criteria
        }
        expertise_services.sheet_submit(actor=None, sheet=sheet, version=sheet.version, scores=scores)
