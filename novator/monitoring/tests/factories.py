from __future__ import annotations

from decimal import Decimal
from typing import Any

from novator.monitoring import services
from novator.monitoring.models import DataElement, ElementSource, Indicator


def catalogue(*, weights: bool = True) -> dict[str, Any]:
    """A small catalogue: teachers, involved (≤ teachers), partners; two indicators and the weights."""
    teachers = DataElement.objects.create(
        code="teachers", name="Педагоги", source=ElementSource.COLLECTED, min_value=1
    )
    involved = DataElement.objects.create(
        code="teachers_involved",
        name="Вовлечённые педагоги",
        source=ElementSource.COLLECTED,
        min_value=0,
        not_greater_than=teachers,
    )
    partners = DataElement.objects.create(
        code="partners", name="Партнёры", source=ElementSource.COLLECTED, min_value=0
    )
    statuses = DataElement.objects.create(code="statuses_held", name="Статусы", source=ElementSource.DERIVED)
    share = Indicator.objects.create(
        code="involved_share",
        name="Доля вовлечённых",
        numerator="teachers_involved",
        denominator="teachers",
        factor=Decimal(100),
        position=1,
    )
    net = Indicator.objects.create(code="partners", name="Партнёры", numerator="partners", position=2)
    services.index_indicator()
    if weights:
        services.index_weights_change(
            actor=None,
            weights={
                "involved_share": {"weight": 1, "lower": 0, "upper": 100},
                "partners": {"weight": 1, "lower": 0, "upper": 10},
            },
        )
    return {
        "teachers": teachers,
        "involved": involved,
        "partners": partners,
        "statuses": statuses,
        "share": share,
        "net": net,
    }


def record(org: Any, year: str, teachers: int, involved: int, partners: int) -> None:
    services.data_values_record(
        actor=None,
        organization=org,
        academic_year=year,
        values={
            "teachers": Decimal(teachers),
            "teachers_involved": Decimal(involved),
            "partners": Decimal(partners),
        },
    )
