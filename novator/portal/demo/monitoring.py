"""Demo step of the monitoring: the starting catalogue (data elements, indicators, weights), three
academic years of collected values for the demo organisations in which the district's potential grows,
the derived values from the other demo data, recomputed and published.

`load_monitoring(ctx)` runs after the contests, library and projects steps. Idempotent: it creates only
what is missing and recomputes only the years it added values to (or that were never computed).
"""

from __future__ import annotations

import hashlib
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
    ("partners", "Сетевые партнёры", "ед.", C, {"min_value": Decimal(0)}),
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
        "Число проведённых мероприятий по распространению опыта.",
        "ед.",
        "dissemination_events",
        "",
        1,
        1,
        0,
        12,
    ),
    (
        "partners",
        "Сетевое взаимодействие",
        "Число сетевых партнёров организации.",
        "ед.",
        "partners",
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


def load_monitoring(ctx: DemoContext) -> None:
    # a second run: the three years were computed once, nothing else to do (one query)
    if MonitoringYear.objects.filter(academic_year__in=YEARS, computed_at__isnull=False).count() == len(
        YEARS
    ):
        return
    elements = set(DataElement.objects.values_list("code", flat=True))
    for position, (code, name, unit, source, extra) in enumerate(ELEMENTS, start=1):
        if code not in elements:
            element = services.data_element_create(
                actor=None, code=code, name=name, unit=unit, source=source, position=position, **extra
            )
            ctx.made("monitoring data elements", element)
    teachers = DataElement.objects.filter(code="teachers").first()
    DataElement.objects.filter(code="teachers_involved", not_greater_than__isnull=True).update(
        not_greater_than=teachers
    )
    DataElement.objects.filter(code="teacher_experts", not_greater_than__isnull=True).update(
        not_greater_than=teachers
    )
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
            ctx.made("monitoring indicators", indicator)
    if "index" not in indicators:
        services.index_indicator()
    if not IndexWeightChange.objects.exists():
        change = services.index_weights_change(
            actor=None,
            weights={code: {"weight": w, "lower": lo, "upper": up} for code, *_r, w, lo, up in INDICATORS},
            note="Начальные веса (демонстрационные данные)",
        )
        ctx.made("monitoring weights", change)

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
