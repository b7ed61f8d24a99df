"""Demo step of the monitoring: the starting catalogue (data elements, indicators, weights), three
academic years of collected values for the demo organisations in which the district's potential grows,
the derived values from the other demo data, recomputed and published.

`load_monitoring(ctx)` runs after the contests, library and projects steps. Idempotent: it creates only
what is missing and recomputes only the years it added values to (or that were never computed).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from novator.monitoring import services
from novator.monitoring.models import (
    DataElement,
    DataValue,
    Direction,
    ElementSource,
    IndexWeightChange,
    Indicator,
    MonitoringYear,
)

if TYPE_CHECKING:
    from .loader import DemoContext

YEARS = ["2021/22", "2022/23", "2023/24"]

D, C = ElementSource.DERIVED, ElementSource.COLLECTED

#: the levels of events (events.EventLevel) with their Russian adjectives
LEVELS = [
    ("school", "школьный"),
    ("municipal", "муниципальный"),
    ("inter_municipal", "межмуниципальный"),
    ("regional", "региональный"),
]
#: events count with the weight of their level: school ×1, municipal ×2, inter-municipal ×3, regional ×4
ORGANISED = (
    "events_organised_school + 2 * events_organised_municipal + 3 * events_organised_inter_municipal"
    " + 4 * events_organised_regional"
)
ATTENDED = (
    "events_attended_school + 2 * events_attended_municipal + 3 * events_attended_inter_municipal"
    " + 4 * events_attended_regional"
)

#: (code, name, unit, source, extra)
ELEMENTS: list[tuple[str, str, str, str, dict[str, Any]]] = [
    ("statuses_held", "Инновационные статусы в течение года", "ед.", D, {}),
    ("status_years", "Лет с получения первого статуса", "лет", D, {}),
    ("contest_applications", "Поданные заявки на конкурсы", "ед.", D, {}),
    ("contest_wins", "Победы в конкурсах", "ед.", D, {}),
    ("products_authored", "Созданные методические продукты", "ед.", D, {}),
    ("adoptions_by_others", "Внедрения продуктов другими организациями", "ед.", D, {}),
    ("adoptions_made", "Внедрённые продукты других организаций", "ед.", D, {}),
    ("reports_accepted", "Принятые отчёты по инновационным проектам", "ед.", D, {}),
    ("readiness_score", "Готовность педагогов к инновациям (опрос)", "балл", D, {"is_integer": False}),
    ("events_organised", "Проведённые мероприятия (все уровни)", "ед.", D, {}),
    *[
        (f"events_organised_{level}", f"Проведённые мероприятия: {name} уровень", "ед.", D, {})
        for level, name in LEVELS
    ],
    ("events_attended", "Мероприятия других организаций с участием педагогов (все уровни)", "ед.", D, {}),
    *[
        (
            f"events_attended_{level}",
            f"Участие в мероприятиях других организаций: {name} уровень",
            "ед.",
            D,
            {},
        )
        for level, name in LEVELS
    ],
    ("network_partners", "Партнёры в сетях, которые возглавляет организация", "ед.", D, {}),
    ("network_memberships", "Участие в сетях других организаций-лидеров", "ед.", D, {}),
    (
        "teachers",
        "Педагогические работники",
        "чел.",
        C,
        {"min_value": Decimal(1), "max_value": Decimal(1000)},
    ),
    (
        "teachers_involved",
        "Педагоги, вовлечённые в инновационную деятельность",
        "чел.",
        C,
        {"min_value": Decimal(0)},
    ),
    ("dissemination_events", "Мероприятия по распространению опыта", "ед.", C, {"min_value": Decimal(0)}),
    ("partners", "Партнёры по договорам вне сетей Новатора", "ед.", C, {"min_value": Decimal(0)}),
    ("training_hours", "Часы повышения квалификации", "ч", C, {"min_value": Decimal(0)}),
    ("teacher_experts", "Педагоги-эксперты", "чел.", C, {"min_value": Decimal(0)}),
]

#: (code, name, definition, unit, numerator, denominator, factor, weight, lower, upper)
INDICATORS: list[tuple[str, str, str, str, str, str, int, float, float, float]] = [
    (
        "statuses",
        "Инновационные статусы",
        "Число инновационных статусов, действовавших в учебном году.",
        "ед.",
        "statuses_held",
        "",
        1,
        2,
        0,
        3,
    ),
    (
        "involved_share",
        "Доля вовлечённых педагогов",
        "Доля педагогов, вовлечённых в инновационную деятельность, от всех педагогических работников.",
        "%",
        "teachers_involved",
        "teachers",
        100,
        2,
        0,
        100,
    ),
    (
        "products",
        "Методические продукты",
        "Число методических продуктов, выпущенных организацией в учебном году.",
        "ед.",
        "products_authored",
        "",
        1,
        1,
        0,
        5,
    ),
    (
        "adoptions",
        "Тиражирование опыта",
        "Число внедрений продуктов организации другими организациями за учебный год.",
        "ед.",
        "adoptions_by_others",
        "",
        1,
        1,
        0,
        10,
    ),
    (
        "dissemination",
        "Распространение опыта",
        "Мероприятия по распространению опыта из кампании плюс мероприятия, проведённые организацией в "
        "Новаторе, с весом уровня (школьный ×1, муниципальный ×2, межмуниципальный ×3, региональный ×4).",
        "балл",
        f"dissemination_events + {ORGANISED}",
        "",
        1,
        1,
        0,
        15,
    ),
    (
        "partners",
        "Сетевое взаимодействие",
        "Партнёры организации: по договорам вне сетей, в сетях, которые она возглавляет, и сети других "
        "лидеров, в которых она участвует.",
        "ед.",
        "partners + network_partners + network_memberships",
        "",
        1,
        1,
        0,
        10,
    ),
    (
        "contests",
        "Конкурсная активность",
        "Заявки на конкурсы плюс удвоенное число побед в учебном году.",
        "балл",
        "contest_applications + 2 * contest_wins",
        "",
        1,
        1,
        0,
        6,
    ),
    (
        "training",
        "Повышение квалификации",
        "Часы повышения квалификации в среднем на одного педагога.",
        "ч",
        "training_hours",
        "teachers",
        1,
        1,
        0,
        72,
    ),
    (
        "participation",
        "Участие в мероприятиях",
        "Мероприятия других организаций, в которых участвовали педагоги организации, с весом уровня "
        "(школьный ×1, муниципальный ×2, межмуниципальный ×3, региональный ×4).",
        "балл",
        ATTENDED,
        "",
        1,
        1,
        0,
        8,
    ),
    (
        "experts",
        "Педагоги-эксперты",
        "Доля педагогов, работающих экспертами конкурсов и проектов.",
        "%",
        "teacher_experts",
        "teachers",
        100,
        1,
        0,
        20,
    ),
]


def _seed(key: str) -> int:
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16)


def collected_values(key: str, year_index: int) -> dict[str, Decimal]:
    """Deterministic values of one demo organisation; every year a step up (the district grows)."""
    seed = _seed(key)
    teachers = 20 + seed % 60
    growth = Decimal(1) + Decimal("0.3") * year_index
    share = min(Decimal("0.9"), (Decimal(10 + seed % 20) / 100) * growth)
    return {
        "teachers": Decimal(teachers),
        "teachers_involved": Decimal(int(teachers * share)),
        "dissemination_events": Decimal(int((1 + seed % 5) * growth)),
        "partners": Decimal(int((seed // 7 % 5) * growth)),
        "training_hours": Decimal(int(teachers * (18 + seed % 12) * growth)),
        "teacher_experts": Decimal(int(teachers * Decimal("0.03") * growth * (1 + seed % 3))),
    }


CAMPAIGN_TITLE = "Мониторинг инновационного потенциала за 2023/24 учебный год"
CAMPAIGN_ELEMENTS = [
    "teachers",
    "teachers_involved",
    "dissemination_events",
    "partners",
    "training_hours",
    "teacher_experts",
]


def load_campaign(ctx: DemoContext) -> None:
    """The 2023/24 campaign of the district (due 14.06.2024): a few forms approved, some submitted, two
    returned with a comment, the rest not submitted (overdue), so that the completion chart has all
    states. The values typed are those already held, so approving changes nothing."""
    import datetime

    from novator.monitoring import campaigns
    from novator.monitoring.models import CampaignResponse

    vyselki = ctx.municipalities.get("vyselki")
    if vyselki is None:
        return
    keys = {o.pk: k for k, o in ctx.organizations.items() if o.municipality_id == vyselki.pk and o.is_active}
    orgs = sorted((o for o in ctx.organizations.values() if o.pk in keys), key=lambda o: o.short_name)
    if not orgs:
        return
    campaign = campaigns.campaign_create(
        actor=None,
        title=CAMPAIGN_TITLE,
        academic_year=YEARS[-1],
        due_on=datetime.date(2024, 6, 14),
        element_codes=CAMPAIGN_ELEMENTS,
        organizations=orgs,
    )
    ctx.made("monitoring campaigns", campaign)
    responses = list(CampaignResponse.objects.filter(campaign=campaign).select_related("organization"))
    responses.sort(key=lambda r: r.organization.short_name)
    for position, response in enumerate(responses):
        share = position % 10  # 0–3 approved, 4–5 submitted, 6 returned, 7–9 not submitted
        if share >= 7:
            continue
        values = collected_values(keys[response.organization_id], len(YEARS) - 1)
        response = campaigns.response_save(
            actor=None, response=response, values={c: str(values[c]) for c in CAMPAIGN_ELEMENTS}
        )
        response = campaigns.response_transition(actor=None, response=response, name="submit")
        if share <= 3:
            campaigns.response_transition(actor=None, response=response, name="approve")
        elif share == 6:
            campaigns.response_transition(
                actor=None,
                response=response,
                name="return",
                comment="Проверьте число педагогов-экспертов: оно больше прошлогоднего вдвое.",
            )


def catalogue_create(*, note: str, made: Callable[[str, Any], None] = lambda _kind, _obj: None) -> None:
    """The monitoring catalogue of the source document (data elements with their limits, indicators, the
    index and its initial weights), whatever of it is missing: for the demo and the synthetic data."""
    elements = set(DataElement.objects.values_list("code", flat=True))
    for position, (code, name, unit, source, extra) in enumerate(ELEMENTS, start=1):
        if code not in elements:
            element = services.data_element_create(
                actor=None, code=code, name=name, unit=unit, source=source, position=position, **extra
            )
            made("monitoring data elements", element)
    teachers = DataElement.objects.filter(code="teachers").first()
    DataElement.objects.filter(
        code__in=["teachers_involved", "teacher_experts"], not_greater_than__isnull=True
    ).update(not_greater_than=teachers)
    indicators = set(Indicator.objects.values_list("code", flat=True))
    for position, (code, name, definition, unit, num, den, factor, *_bounds) in enumerate(
        INDICATORS, start=1
    ):
        if code not in indicators:
            indicator = services.indicator_create(
                actor=None,
                code=code,
                name=name,
                definition=definition,
                unit=unit,
                numerator=num,
                denominator=den,
                factor=Decimal(factor),
                direction=Direction.HIGHER,
                position=position,
            )
            made("monitoring indicators", indicator)
    if "index" not in indicators:
        services.index_indicator()
    if not IndexWeightChange.objects.exists():
        change = services.index_weights_change(
            actor=None,
            weights={code: {"weight": w, "lower": lo, "upper": up} for code, *_r, w, lo, up in INDICATORS},
            note=note,
        )
        made("monitoring weights", change)


def load_monitoring(ctx: DemoContext) -> None:
    # a second run: the three years were computed once and the campaign made, nothing else to do
    from novator.monitoring.models import Campaign

    done = MonitoringYear.objects.filter(academic_year__in=YEARS, computed_at__isnull=False).count() == len(
        YEARS
    )
    if done and Campaign.objects.filter(title=CAMPAIGN_TITLE).exists():
        return
    if done:
        load_campaign(ctx)
        return
    catalogue_create(note="Начальные веса (демонстрационные данные)", made=ctx.made)

    held = set(
        DataValue.objects.filter(
            organization__in=[o.pk for o in ctx.organizations.values()],
            academic_year__in=YEARS,
            source=ElementSource.COLLECTED,
        ).values_list("organization_id", "academic_year")
    )
    changed: set[str] = set()
    for key, organization in sorted(ctx.organizations.items()):
        for index, year in enumerate(YEARS):
            if (organization.pk, year) in held:
                continue
            services.data_values_record(
                actor=None, organization=organization, academic_year=year, values=collected_values(key, index)
            )
            ctx.made("monitoring values", f"{organization} {year}")
            changed.add(year)
    computed = set(
        MonitoringYear.objects.filter(computed_at__isnull=False).values_list("academic_year", flat=True)
    )
    for year in YEARS:
        if year in changed or year not in computed:
            services.values_recompute(actor=None, academic_year=year)
            services.year_publish(actor=None, academic_year=year, published=True)
            ctx.made("monitoring years", year)
    if not Campaign.objects.filter(title=CAMPAIGN_TITLE).exists():
        load_campaign(ctx)
