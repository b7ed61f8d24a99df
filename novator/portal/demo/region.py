"""Demo steps of the inter-municipal level (stage III of the source document): the regional methodologist
and the Tikhoretsk methodologist, the inter-municipal contest of 2023/24 co-organised by the Vyselki
(lead), Tikhoretsk and Korenovsk districts, and the ИМЦ's own КИП status awarded by the region.

They run after every other step (the monitoring of 2021–2024 is computed before them, so its figures stay
those of the source document). Like the other steps, each finds what exists with one query and creates
only what is missing, through the services with `actor=None`.

The contest's commission is joint (experts of the three districts) and scores only applications of other
districts: each application goes to two experts of the other two districts.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.utils import translation

from novator.accounts import services as account_services
from novator.accounts.models import Role, User
from novator.contests import services as contest_services
from novator.contests.models import (
    Application,
    ApplicationState,
    Category,
    Contest,
    ContestKind,
    ContestLevel,
    ThresholdKind,
)
from novator.expertise import services as expertise_services
from novator.expertise.models import Expert, ScoreSheet
from novator.organizations.models import OrganizationKind
from novator.statuses import services as status_services
from novator.statuses.defaults import ensure_default_kinds
from novator.statuses.models import StatusAssignment, StatusKind

from . import contest_data as data
from . import registry
from .contests import THRESHOLD_PERCENT, DemoStoryBroken, _commission, _documents, _offsets, _points
from .requisites import load_contest_orders

if TYPE_CHECKING:
    from .loader import DemoContext

# ---------------------------------------------------------------------------------------------------
# Accounts

#: (username, last, first, middle, role, municipality key or None for the region)
ACCOUNTS = (
    ("regional", "Литвинова", "Оксана", "Николаевна", Role.REGIONAL_METHODOLOGIST, None),
    ("methodist2", "Бондарь", "Марина", "Викторовна", Role.METHODOLOGIST, "tikhoretsk"),
)


def load_region_accounts(ctx: DemoContext) -> None:
    """`regional` (regional methodologist of Krasnodar krai) and `methodist2` (methodologist of the
    Tikhoretsk district)."""
    existing = {u.username: u for u in User.objects.filter(username__in=[a[0] for a in ACCOUNTS])}
    for username, last, first, middle, role, municipality in ACCOUNTS:
        user = existing.get(username)
        if user is None:
            user = account_services.user_create(
                actor=None,
                username=username,
                password=registry.DEMO_PASSWORD,
                email=f"{username}@example.org",
                first_name=first,
                last_name=last,
                middle_name=middle,
            )
            account_services.role_grant(
                actor=None,
                user=user,
                role=role,
                region=ctx.region if municipality is None else None,
                municipality=ctx.municipalities[municipality] if municipality else None,
            )
            ctx.made("accounts", user)
        ctx.users[username] = user


# ---------------------------------------------------------------------------------------------------
# The inter-municipal contest of 2023/24

MSK = data.MSK
TITLE = "Межмуниципальный конкурс на статус муниципальной инновационной площадки"
YEAR = "2023/24"
COORGANISERS = ("tikhoretsk", "korenovsk")
#: who scores the applications of each district: experts of the two other districts (round robin)
SCORERS = {
    "vyselki": (("expert2",), ("expert3",)),
    "tikhoretsk": (("expert", "expert4"), ("expert3",)),
    "korenovsk": (("expert4", "expert"), ("expert2",)),
}


def _entry(key: str, total: int, awarded: bool, title: str, product: str) -> data.EntrySpec:
    return data.EntrySpec(
        key,
        total,
        awarded,
        title,
        "Проект отвечает задачам межмуниципального взаимодействия: опыт организации востребован "
        "педагогами соседних районов, но не описан как технология и не передаётся системно.",
        "Новизна — в сетевой форме тиражирования опыта: стажировки и совместные события для педагогов "
        "Выселковского, Тихорецкого и Кореновского районов.",
        "Описать опыт организации как технологию и распространить её в образовательных организациях трёх "
        "районов.",
        (
            "Обобщить опыт и описать технологию.",
            "Провести межмуниципальные стажировки для педагогов.",
            "Подготовить методические рекомендации для тиражирования.",
        ),
        product,
        "Не менее 10 организаций трёх районов используют технологию к концу 2025/26 учебного года.",
        "Оборудование организации, цифровая платформа для совместной работы.",
    )


ENTRIES: tuple[data.EntrySpec, ...] = (
    _entry(
        "vyselki-dou-4",
        16,
        True,
        "«Эколята — друзья природы»: межмуниципальная сеть экологического воспитания дошкольников",
        "методические рекомендации «Экологическая тропа детского сада»",
    ),
    _entry(
        "tikhoretsk-dou-12",
        14,
        False,
        "Театрализованная деятельность как средство развития речи дошкольников",
        "сборник сценариев театрализованных занятий",
    ),
    _entry(
        "korenovsk-dou-20",
        11,
        False,
        "Казачьи традиции в нравственно-патриотическом воспитании дошкольников",
        "программа кружка «Казачата»",
    ),
    _entry(
        "tikhoretsk-school-1",
        18,
        True,
        "Школа функциональной грамотности: межмуниципальные командные турниры для учащихся 5–9 классов",
        "банк заданий командных турниров по функциональной грамотности",
    ),
    _entry(
        "korenovsk-school-8",
        15,
        True,
        "Агроклассы сельской школы: профориентация через проектную деятельность",
        "программа агрокласса и сборник ученических проектов",
    ),
    _entry(
        "tikhoretsk-school-27",
        13,
        False,
        "Наставничество «учитель — учитель» в сельской школе",
        "положение о наставничестве и дорожная карта",
    ),
    _entry(
        "vyselki-school-2",
        12,
        False,
        "Цифровая образовательная среда урока: смешанное обучение в основной школе",
        "методические рекомендации по смешанному обучению",
    ),
)
QUOTAS = ((OrganizationKind.PRESCHOOL.value, 1), (OrganizationKind.SCHOOL.value, 2))
OPENS = datetime.datetime(2023, 10, 2, 9, 0, tzinfo=MSK)
CLOSES = datetime.datetime(2023, 11, 10, 18, 0, tzinfo=MSK)
ANNOUNCED = datetime.datetime(2023, 9, 25, 10, 0, tzinfo=MSK)
EXPERTISE = datetime.datetime(2023, 11, 15, 10, 0, tzinfo=MSK)
MINUTES = ("3", datetime.date(2023, 12, 8))
ORDER = ("214-од", datetime.date(2023, 12, 14))
PUBLISHED = datetime.datetime(2023, 12, 15, 11, 0, tzinfo=MSK)


def load_intermunicipal_contest(ctx: DemoContext) -> None:
    """Published: applicants and winners of the three districts, the joint commission, the lead's order."""
    vyselki = ctx.municipalities["vyselki"]
    if Contest.objects.filter(organiser_municipality=vyselki, title=TITLE, academic_year=YEAR).exists():
        return
    ensure_default_kinds()
    status = StatusKind.objects.get(code="MIP")
    experts = {
        e.user.username: e
        for e in Expert.objects.filter(user__username__in=[s.username for s in data.EXPERTS]).select_related(
            "user", "organization"
        )
    }
    with translation.override("ru"):
        _intermunicipal_contest(ctx, status, experts)


def _intermunicipal_contest(ctx: DemoContext, status: StatusKind, experts: dict[str, Expert]) -> None:
    contest = contest_services.contest_create(
        actor=None,
        data={
            "kind": ContestKind.STATUS,
            "level": ContestLevel.INTERMUNICIPAL,
            "title": TITLE,
            "status_kind": status,
            "organiser_municipality": ctx.municipalities["vyselki"],
            "coorganisers": [ctx.municipalities[key] for key in COORGANISERS],
            "academic_year": YEAR,
            "regulation_text": data.regulation(
                status.code, opens=OPENS, closes=CLOSES, k=2, quotas="ДОУ — 1, СОШ — 2"
            ),
            "eligible_kinds": [OrganizationKind.PRESCHOOL.value, OrganizationKind.SCHOOL.value],
            "opens_at": OPENS,
            "closes_at": CLOSES,
            "status_term_years": 3,
            "threshold_kind": ThresholdKind.PERCENT,
            "threshold_value": THRESHOLD_PERCENT,
            "experts_per_application": 2,
            # no expert scores an application of their own district
            "require_external_experts": True,
            "comment_required_below_max": True,
        },
        is_demo=True,
        with_defaults=True,
    )
    categories: dict[str, Category] = {}
    for category in contest.categories.all():
        for kind in category.organization_kinds:
            categories.setdefault(kind, category)
    for kind, quota in QUOTAS:
        contest_services.category_update(actor=None, category=categories[kind], data={"quota": quota})
    ctx.made("contests", f"{contest} ({YEAR})")
    # the order announcing it, in the lead's journal (the results order cites it), as for the others
    load_contest_orders(ctx)
    contest = contest_services.contest_transition(actor=None, contest=contest, name="announce", now=ANNOUNCED)

    window = CLOSES - OPENS
    entries: dict[int, data.EntrySpec] = {}
    applications: list[Application] = []
    for index, entry in enumerate(ENTRIES):
        organization = ctx.organizations[entry.organization]
        application = contest_services.application_create(
            actor=None,
            contest=contest,
            organization=organization,
            data={
                "project_title": entry.title,
                "category": categories.get(organization.kind),
                "texts": data.section_texts(
                    entry,
                    academic_year=YEAR,
                    network=False,
                    preschool=organization.kind == OrganizationKind.PRESCHOOL,
                ),
            },
            is_demo=True,
        )
        _documents(contest, application)
        submitted = OPENS + window * (index + 1) / (len(ENTRIES) + 2)
        application = contest_services.application_transition(
            actor=None, application=application, name="submit", now=submitted.replace(second=0, microsecond=0)
        )
        entries[application.pk] = entry
        applications.append(application)
        ctx.made("applications", application)
    for index, application in enumerate(applications):
        # the formal check: each organiser accepts its own district's applications (here the system)
        applications[index] = contest_services.application_transition(
            actor=None,
            application=application,
            name="accept",
            now=CLOSES + datetime.timedelta(days=2, minutes=20 * index),
        )
    contest = contest_services.contest_transition(
        actor=None, contest=contest, name="start_expertise", now=EXPERTISE
    )
    for application in applications:
        application.contest = contest

    # The joint commission: the chair and experts of the three districts; the secretary is the lead's.
    _commission(contest, ctx, experts, "chair", ("expert", "expert2", "expert3", "expert4"))
    assignments = []
    turns: dict[str, int] = {}
    for application in applications:
        district = next(
            k for k, m in ctx.municipalities.items() if m.pk == application.organization.municipality_id
        )
        turn = turns.get(district, 0)
        turns[district] = turn + 1
        for slot, pool in enumerate(SCORERS[district]):
            expert = experts[pool[turn % len(pool)]]
            assignment = expertise_services.assignment_add(actor=None, application=application, expert=expert)
            assignments.append((assignment, entries[application.pk], slot))
    expertise_services.assignments_publish(actor=None, contest=contest)

    criteria = list(contest.criteria.order_by("position", "pk"))
    maxima = [int(c.max_points) for c in criteria]
    threshold = float(THRESHOLD_PERCENT) / 100 * sum(maxima)
    offsets = _offsets(2)
    for number, (assignment, entry, slot) in enumerate(assignments):
        total = entry.sheet_total + offsets[slot]
        points = _points(total, maxima, start=(number * 3 + slot * 2) % len(criteria))
        scores = {
            c.pk: {"points": p, "comment": data.comment(position, p, maxima[position])}
            for position, (c, p) in enumerate(zip(criteria, points, strict=True))
        }
        expertise_services.sheet_submit(
            actor=None,
            sheet=ScoreSheet.objects.get(assignment=assignment),
            version=None,
            scores=scores,
            conclusion=data.conclusion(entry, status.code, total, threshold),
        )
        ctx.created["score_sheets"] += 1

    expertise_services.results_confirm(
        actor=None,
        contest=contest,
        minutes_number=MINUTES[0],
        minutes_date=MINUTES[1],
        now=datetime.datetime.combine(MINUTES[1], datetime.time(15, 0), tzinfo=MSK),
    )
    outcome = dict(
        Application.objects.filter(contest=contest, state=ApplicationState.ACCEPTED).values_list(
            "pk", "awarded"
        )
    )
    if outcome != {pk: entry.awarded for pk, entry in entries.items()}:
        raise DemoStoryBroken(f"{contest} ({YEAR}): the scores give other winners")
    contest = contest_services.contest_record_order(
        actor=None, contest=contest, number=ORDER[0], date=ORDER[1]
    )
    contest = contest_services.contest_transition(
        actor=None, contest=contest, name="publish_results", now=PUBLISHED
    )
    for status_assignment in StatusAssignment.objects.filter(application__contest=contest):
        ctx.made("statuses", status_assignment)


# ---------------------------------------------------------------------------------------------------
# The ИМЦ's КИП, awarded by the region

KIP_PROJECT = "Совершенствование инновационной инфраструктуры межмуниципального взаимодействия"
KIP_START = datetime.date(2021, 9, 1)
#: the order of the region's ministry of education that gave the status (demo data)
KIP_ORDER = ("2817", datetime.date(2021, 8, 30))


def load_imc_kip(ctx: DemoContext) -> None:
    """The ИМЦ of the Vyselki district holds the КИП «Совершенствование инновационной инфраструктуры
    межмуниципального взаимодействия» for 2021–2024, by the region's order."""
    imc = ctx.organizations["vyselki-imc"]
    if StatusAssignment.objects.filter(organization=imc, kind__code="KIP", starts_on=KIP_START).exists():
        return
    ensure_default_kinds()
    assignment = status_services.status_award(
        actor=None,
        organization=imc,
        kind=StatusKind.objects.get(code="KIP"),
        starts_on=KIP_START,
        years=3,
        order_number=KIP_ORDER[0],
        order_date=KIP_ORDER[1],
        project_title=KIP_PROJECT,
        is_demo=True,
    )
    ctx.made("statuses", assignment)
